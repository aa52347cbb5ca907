from modeltranslation.translator import TranslationOptions, register

from .models import District, Neighbourhood


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)


@register(Neighbourhood)
class NeighbourhoodTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko",)
