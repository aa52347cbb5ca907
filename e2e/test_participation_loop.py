"""The whole participation loop of issue 14 in one browser test, in Korean and English: an author
proposes through the form (the body in the rich-text editor) and submits; a moderator, from the
header's workspace link, publishes it; two supporters bring it to its area's threshold and it is
on the committee's agenda; the committee's chair, from the workspace, assigns a rapporteur, drafts
a recommendation with the decision "recommend" and publishes it; city staff, from the workspace,
answer "accepted" with reasons, department and target date, then post an update at 100 % on the
result the answer started; the proposal is "implemented" and its timeline lists every step.
Only the accounts, the committee and the policy area are made with the ORM, as a fresh hub has
them; everything else is done through the pages, reached by links. axe-core checks every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from e2e.conftest import assert_accessible
from e2e.pages import paste_rich_text, url
from e2e.test_designation import main_text, sign_in
from e2e.test_organization_to_designation import click, publish_from_the_queue, workspace_queue

pytestmark = pytest.mark.e2e

TEXT = {
    "ko": {
        "title": "동네마다 우산 공유함을 설치해 주세요",
        "body": "<h2>제안 배경</h2><p>갑자기 비가 오면 <strong>우산</strong>을 살 수밖에 없습니다.</p>"
        "<ul><li>지하철역 출구</li><li>주민센터</li></ul>",
        "recommendation": "우산 공유함 설치 권고",
        "recommendation_body": "<p>위원회는 우산 공유함 설치를 권고합니다.</p>",
        "decision": "시민의 지지가 충분하고 비용이 적습니다.",
        "reasons": "2027년 상반기에 25개 자치구 지하철역에 설치합니다.",
        "department": "서울혁신과",
        "update": "모든 지하철역에 우산 공유함 설치를 마쳤습니다.",
    },
    "en": {
        "title": "Put an umbrella sharing box in every neighbourhood",
        "body": "<h2>Why</h2><p>When it suddenly rains, people have to buy an <strong>umbrella"
        "</strong>.</p><ul><li>Subway exits</li><li>Community centres</li></ul>",
        "recommendation": "Recommendation on umbrella sharing boxes",
        "recommendation_body": "<p>The committee recommends umbrella sharing boxes.</p>",
        "decision": "Citizens support it widely and it costs little.",
        "reasons": "Boxes go to subway stations in all 25 districts in the first half of 2027.",
        "department": "Seoul Innovation Division",
        "update": "Every subway station now has an umbrella sharing box.",
    },
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_propose_moderate_support_review_answer_and_implement(
    make_page, axe, screenshot, transactional_db, live_server, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.moderation.models import ModerationStatus
    from sharehub.participation.models import (
        Answer,
        Committee,
        CommitteeMembership,
        CommitteeRole,
        PolicyArea,
        Proposal,
        ProposalState,
        Recommendation,
        Result,
    )

    text = TEXT[lang]
    today = timezone.localdate()
    target = today + datetime.timedelta(days=180)
    results: dict[str, list[dict]] = {}

    def check(page, label: str) -> None:
        results[label] = axe(page)

    # --- What a fresh hub has: the committee, its chair, a policy area, the people -------------
    committee = Committee.objects.create(
        slug="sharing-policy",
        name_ko="공유정책 자문위원회",
        name_en="Sharing Policy Committee",
        remit_ko="공유 촉진 정책을 자문합니다.",
        remit_en="Advises on promoting sharing.",
    )
    area = PolicyArea.objects.create(
        slug="sharing-promotion",
        name_ko="공유 촉진",
        name_en="Promotion of sharing",
        committee=committee,
        support_threshold=2,
        support_days=30,
        answer_days=60,
    )
    author_user = UserFactory(display_name="김제안", preferred_language=lang)
    chair_user = UserFactory(display_name="박위원장", preferred_language=lang)
    CommitteeMembership.objects.create(
        committee=committee,
        user=chair_user,
        role=CommitteeRole.CHAIR,
        term_start=today - datetime.timedelta(days=30),
        term_end=today + datetime.timedelta(days=700),
    )

    author = make_page(lang=lang, bypass_csp=True)
    sign_in(author, author_user, live_server)
    moderator = make_page(lang=lang, bypass_csp=True)
    sign_in(moderator, give_totp(UserFactory(is_moderator=True)), live_server)
    supporters = []
    for _ in range(2):
        supporter = make_page(lang=lang, bypass_csp=True)
        sign_in(supporter, UserFactory(preferred_language=lang), live_server)
        supporters.append(supporter)
    chair = make_page(lang=lang, bypass_csp=True)
    sign_in(chair, chair_user, live_server)
    staff = make_page(lang=lang, bypass_csp=True)
    sign_in(staff, give_totp(UserFactory(is_city_staff=True)), live_server)

    with translation.override(lang):
        state_label = {s.value: str(s.label) for s in ProposalState}
        area_name = area.name
        committee_name = committee.name
        steps = [
            gettext("Submitted"),
            gettext("Published: collecting supports"),
            gettext("Threshold reached: on the committee's agenda"),
            gettext("Review started"),
            gettext("Committee decision published"),
            gettext("The city answered: %(status)s")
            % {"status": pgettext("city answer", "Accepted")},
            gettext("Result update (%(progress)s %%)") % {"progress": 100},
            gettext("Implemented"),
        ]

    # --- 1. the author proposes from the participation pages and submits ----------------------
    # The live server's first page warms its caches: more time than the 10 s of every other step.
    author.goto(f"/{lang}/", timeout=30_000)
    check(author, "home-author")
    click(author, author.locator(f"header nav a[href='{url('participation:list', lang)}']"))
    check(author, "proposal-list")
    click(author, author.locator(f"main a[href='{url('participation:create', lang)}']").first)
    form = author.locator("main form").filter(has=author.locator("#id_title"))
    form.get_by_label(gettext_in(lang, "Title")).fill(text["title"])
    form.locator("#id_area").select_option(label=area_name)
    paste_rich_text(author, "id_body", text["body"])
    form.locator("#id_language").select_option(lang)
    check(author, "proposal-form")
    click(author, form.locator("button[type=submit]").last)
    proposal = Proposal.objects.get(title=text["title"])
    assert proposal.author == author_user
    assert proposal.state == ProposalState.DRAFT
    assert "<h2>" in proposal.body and "<strong>" in proposal.body and "<li>" in proposal.body
    proposal_url = url("participation:detail", lang, pk=proposal.pk)
    assert author.url.endswith(proposal_url), author.url
    check(author, "proposal-draft")
    click(
        author,
        author.locator(
            f"main form[action='{url('participation:submit', lang, pk=proposal.pk)}'] button"
        ),
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert proposal.moderation_status == ModerationStatus.PENDING
    check(author, "proposal-submitted")
    # Not public yet.
    assert supporters[0].goto(proposal_url).status == 404

    # --- 2. a moderator publishes it from the workspace's moderation queue --------------------
    publish_from_the_queue(moderator, lang, proposal, check)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.COLLECTING
    assert proposal.support_threshold == 2
    screenshot(moderator, f"participation-loop-{lang}-1-moderation")

    # --- 3. two supporters find it in the list and support it: it is on the agenda ------------
    for index, supporter in enumerate(supporters, start=1):
        supporter.goto(f"/{lang}/")
        click(
            supporter, supporter.locator(f"header nav a[href='{url('participation:list', lang)}']")
        )
        click(supporter, supporter.locator(f"main a[href='{proposal_url}']").first)
        check(supporter, f"proposal-before-support-{index}")
        click(
            supporter,
            supporter.locator(
                f"main form[action='{url('participation:support', lang, pk=proposal.pk)}'] button"
            ),
        )
        assert (
            supporter.locator(
                f"main form[action='{url('participation:unsupport', lang, pk=proposal.pk)}']"
            ).count()
            == 1
        ), main_text(supporter)
        check(supporter, f"proposal-supported-{index}")
    proposal.refresh_from_db()
    assert proposal.supports_count == 2
    assert proposal.state == ProposalState.ON_AGENDA
    assert proposal.agenda_committee == committee
    page_text = main_text(supporters[-1])
    assert state_label["on_agenda"] in page_text
    agenda = supporters[-1].locator(
        f"main dd a[href='{url('participation:committee', lang, slug=committee.slug)}']"
    )
    assert agenda.count() == 1 and agenda.inner_text().strip() == committee_name
    screenshot(supporters[-1], f"participation-loop-{lang}-2-on-agenda")
    # A supporter holds no role: no workspace link, the committee's workspace is not found and
    # the city's queue is refused.
    outsider = supporters[-1]
    assert outsider.locator("header a.workspace-link").count() == 0
    workspace_url = url("participation:workspace", lang, slug=committee.slug)
    assert outsider.goto(workspace_url).status == 404
    assert outsider.goto(url("participation:city_queue", lang)).status == 403

    # --- 4. the chair, from the workspace: rapporteur, recommendation, decision, publication --
    link, count = workspace_queue(chair, lang, "participation:my_committees")
    assert count == 1
    check(chair, "workspace-chair")
    click(chair, link)  # one committee: straight into its workspace
    assert chair.url.endswith(workspace_url), chair.url
    card = chair.locator(f"#proposal-{proposal.pk}")
    assert card.count() == 1, main_text(chair)
    check(chair, "committee-workspace")
    card.locator(f"#rapporteur-{proposal.pk}").select_option(label=chair_user.display_name)
    click(chair, card.locator("form[action$='/rapporteur/'] button[type=submit]"))
    card = chair.locator(f"#proposal-{proposal.pk}")
    assert chair_user.display_name in card.locator("dl").inner_text()
    proposal.refresh_from_db()
    assert proposal.review.rapporteur == chair_user
    check(chair, "committee-workspace-rapporteur")
    click(
        chair,
        chair.locator(
            f"main a[href='{url('participation:recommendation_create', lang, slug=committee.slug)}']"
        ),
    )
    chair.fill("#id_title", text["recommendation"])
    paste_rich_text(chair, "id_body", text["recommendation_body"])
    chair.locator("#id_language").select_option(lang)
    check(chair, "recommendation-form")
    click(chair, chair.locator("main form[method=post] button[type=submit]").last)
    recommendation = Recommendation.objects.get(committee=committee)
    assert chair.url.endswith(url("participation:recommendation", lang, pk=recommendation.pk))
    decision = chair.locator(
        f"main form[action='{url('participation:decision_set', lang, pk=recommendation.pk)}']"
    )
    decision.locator("#id_proposal").select_option(str(proposal.pk))
    decision.locator("#id_verdict").select_option("recommend")
    decision.locator("#id_reasons").fill(text["decision"])
    check(chair, "recommendation-draft")
    click(chair, decision.locator("button[type=submit]"))
    assert recommendation.items.get().verdict == "recommend"
    assert chair.locator(f"main #decisions-heading ~ article a[href='{proposal_url}']").count() == 1
    check(chair, "recommendation-with-decision")
    publish_form = chair.locator(
        f"main form[action='{url('participation:recommendation_publish', lang, pk=recommendation.pk)}']"
    )
    publish_form.locator("#id_confirm").check()  # publishing asks for a confirmation
    click(chair, publish_form.locator("button"))
    recommendation.refresh_from_db()
    assert recommendation.is_public and recommendation.answer_due
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.RECOMMENDED
    check(chair, "recommendation-published")
    screenshot(chair, f"participation-loop-{lang}-3-recommendation")

    # --- 5. city staff answer it from the workspace, then complete the result -----------------
    link, count = workspace_queue(staff, lang, "participation:city_queue")
    assert count == 1
    check(staff, "workspace-city-staff")
    click(staff, link)
    check(staff, "city-queue")
    click(
        staff,
        staff.locator(f"main a[href='{url('participation:answer', lang, pk=recommendation.pk)}']"),
    )
    check(staff, "answer-form")
    staff.locator("#id_status").select_option("accepted")
    staff.fill("#id_reasons", text["reasons"])
    staff.fill("#id_department", text["department"])
    staff.fill("#id_cost_estimate", "120000000")
    staff.fill("#id_target_date", target.isoformat())
    staff.locator("#id_language").select_option(lang)
    click(staff, staff.locator("main form[method=post] button[type=submit]"))
    answer = Answer.objects.get(recommendation=recommendation)
    assert answer.status == "accepted" and answer.target_date == target
    assert answer.department == text["department"]
    assert staff.url.endswith(url("participation:city_queue", lang)), staff.url
    check(staff, "city-queue-answered")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ANSWERED
    result = Result.objects.get(answer=answer)
    # The result, as anyone finds it: linked from the proposal's page.
    staff.goto(proposal_url)
    assert text["reasons"] in main_text(staff)
    check(staff, "proposal-answered")
    result_url = url("participation:result", lang, pk=result.pk)
    click(staff, staff.locator(f"main #city-answer-heading ~ .card a[href='{result_url}']"))
    check(staff, "result-staff")
    update = staff.locator(
        f"main form[action='{url('participation:result_update', lang, pk=result.pk)}']"
    )
    update.locator("#id_update-text").fill(text["update"])
    update.locator("#id_update-progress").fill("100")
    update.locator("#id_update-language").select_option(lang)
    click(staff, update.locator("button[type=submit]"))
    result.refresh_from_db()
    assert result.progress == 100 and result.implemented_at
    assert staff.url.endswith(result_url), staff.url
    assert text["update"] in main_text(staff)
    check(staff, "result-implemented")
    screenshot(staff, f"participation-loop-{lang}-4-result")

    # --- 6. the proposal is implemented, and its timeline tells the whole story ---------------
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.IMPLEMENTED
    visitor = make_page(lang=lang, bypass_csp=True)
    visitor.goto(url("participation:results", lang))
    check(visitor, "result-list")
    click(visitor, visitor.locator(f"main a[href='{result_url}']").first)
    check(visitor, "result-visitor")
    click(visitor, visitor.locator(f"main a[href='{proposal_url}']").first)
    meta = visitor.locator("main > p.meta strong").first.inner_text().strip()
    assert meta == state_label["implemented"], meta
    timeline = [
        item.locator("strong").first.inner_text().strip()
        for item in visitor.locator("main ol.timeline > li").all()
    ]
    assert [step for step in timeline if step in steps] == steps, timeline
    decision_text = visitor.locator("main #review-heading").locator("..").inner_text()
    with translation.override(lang):
        assert pgettext("committee verdict", "Recommend") in decision_text
    check(visitor, "proposal-implemented")
    screenshot(visitor, f"participation-loop-{lang}-5-implemented")
    assert_accessible(results)


def gettext_in(lang: str, message: str) -> str:
    with translation.override(lang):
        return gettext(message)
