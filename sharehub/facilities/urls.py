from django.urls import path

from .views import booking, lottery, manage, penalties, public, results, spaces, waitlist

app_name = "facilities"
# Each part's own routes come first: the catch-all `<slug:slug>/` below would take them.
urlpatterns = [
    *spaces.urlpatterns,
    *lottery.urlpatterns,
    *penalties.urlpatterns,
    *waitlist.urlpatterns,
    *results.urlpatterns,
]
urlpatterns += [
    path("", public.space_list, name="list"),
    path("bookings/", booking.mine, name="mine"),
    path("bookings/<str:reference>/", booking.booking_detail, name="booking"),
    path("bookings/<str:reference>/cancel/", booking.cancel, name="cancel"),
    path("bookings/<str:reference>/booking.ics", booking.booking_ics, name="booking_ics"),
    path("manage/", manage.queue, name="queue"),
    path("manage/<slug:slug>/", manage.space_calendar, name="calendar"),
    path("manage/<slug:slug>/close/", manage.close, name="close"),
    path("manage/bookings/<str:reference>/approve/", manage.approve, name="approve"),
    path("manage/bookings/<str:reference>/reject/", manage.reject, name="reject"),
    path("manage/bookings/<str:reference>/paid/", manage.mark_paid, name="paid"),
    path("<slug:slug>/", public.space_detail, name="detail"),
    path("<slug:slug>/book/", booking.book, name="book"),
]
