from modeltranslation.translator import TranslationOptions, register

from .models import Category, Listing, ListingAddress, ListingPhoto, Service


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ko",)


@register(Listing)
class ListingTranslation(TranslationOptions):
    fields = ("summary", "description", "opening_hours")


@register(ListingAddress)
class ListingAddressTranslation(TranslationOptions):
    fields = ("label",)


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description", "how_to_use")
    required_languages = ("ko",)


@register(ListingPhoto)
class ListingPhotoTranslation(TranslationOptions):
    fields = ("alt",)
    required_languages = ("ko",)
