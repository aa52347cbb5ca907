import factory
from django.utils import timezone

from sharehub.newsletters.models import Campaign, Subscriber, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_ko = factory.Sequence(lambda n: f"주제 {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    order = factory.Sequence(int)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "ko"
    status = Subscriber.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    subject_ko = "공유도시 소식 12월"
    subject_en = "Sharing City news, December"
    body_html_ko = "<p>안녕하세요, 공유도시 소식입니다.</p>"
    body_html_en = "<p>Hello, this is the Sharing City news.</p>"
    body_text_ko = "안녕하세요, 공유도시 소식입니다."
    body_text_en = "Hello, this is the Sharing City news."
