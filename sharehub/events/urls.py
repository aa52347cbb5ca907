from django.urls import path

from .views import checkin, feeds, manage, public, registration

app_name = "events"
urlpatterns = [
    path("", public.event_list, name="list"),
    path("calendar/", public.event_calendar, name="calendar"),
    path("map/", public.event_map, name="map"),
    path("events.geojson", public.events_geojson, name="geojson"),
    path("mine/", registration.my_events, name="mine"),
    path("mine/calendar/reset/", registration.reset_feed, name="reset_feed"),
    path("manage/", manage.manage_list, name="manage_list"),
    path("new/", manage.event_create, name="create"),
    path("feed.ics", feeds.public_feed, name="feed"),
    path("feed/city.ics", feeds.city_feed, name="city_feed"),
    path("feed/organizer/<str:slug>.ics", feeds.organizer_feed, name="organizer_feed"),
    path("feed/private/<str:secret>.ics", feeds.private_feed, name="private_feed"),
    path("registrations/<int:pk>/qr.png", registration.registration_qr, name="qr"),
    path("registrations/<int:pk>/certificate.pdf", registration.certificate, name="certificate"),
    path("<int:pk>/", public.event_detail, name="detail"),
    path("<int:pk>/event.ics", feeds.event_ics, name="ics"),
    path("<int:pk>/register/", registration.register, name="register"),
    path(
        "<int:pk>/cancel-registration/",
        registration.cancel_registration,
        name="cancel_registration",
    ),
    path("<int:pk>/accept-offer/", registration.accept_offer, name="accept_offer"),
    path("<int:pk>/edit/", manage.event_edit, name="edit"),
    path("<int:pk>/manage/", manage.event_manage, name="manage"),
    path("<int:pk>/attendees.csv", manage.attendees_csv, name="attendees_csv"),
    path("<int:pk>/message/", manage.message_attendees, name="message"),
    path("<int:pk>/cancel/", manage.cancel_event, name="cancel"),
    path("<int:pk>/registrations/<int:registration_id>/decide/", manage.decide, name="decide"),
    path(
        "<int:pk>/registrations/<int:registration_id>/remove/",
        manage.remove_registration,
        name="remove",
    ),
    path("<int:pk>/questions/", manage.question_add, name="question_add"),
    path(
        "<int:pk>/questions/<int:item_id>/delete/", manage.question_delete, name="question_delete"
    ),
    path("<int:pk>/sessions/", manage.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:item_id>/delete/", manage.session_delete, name="session_delete"),
    path("<int:pk>/materials/", manage.material_add, name="material_add"),
    path("<int:pk>/materials/<int:item_id>/", public.material_download, name="material_download"),
    path(
        "<int:pk>/materials/<int:item_id>/delete/", manage.material_delete, name="material_delete"
    ),
    path("<int:pk>/check-in/", checkin.checkin_page, name="checkin"),
    path("<int:pk>/check-in/counts/", checkin.checkin_counts, name="checkin_counts"),
]
