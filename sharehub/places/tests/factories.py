import factory

from sharehub.places.models import District


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"9{n:04d}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    name_ko = factory.Sequence(lambda n: f"시험{n}구")
    name_en = factory.Sequence(lambda n: f"Test{n}-gu")
    latitude = 37.55
    longitude = 126.98
    boundary = factory.LazyAttribute(
        lambda o: {
            "type": "Polygon",
            "coordinates": [
                [
                    [126.97, 37.54],
                    [126.99, 37.54],
                    [126.99, 37.56],
                    [126.97, 37.56],
                    [126.97, 37.54],
                ]
            ],
        }
    )
