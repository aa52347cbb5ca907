"""The first synonym dictionary: the everyday words of sharing, in Korean and English, and the
fields of the directory's categories. City staff edit it afterwards (/search/synonyms/)."""

from django.db import migrations

SEED = [
    (
        ["대여", "빌리기", "빌려주기", "렌탈", "대관", "공유", "나눔"]
        + ["rental", "rent", "lend", "lending", "borrow", "share", "sharing"],
        "빌리기와 빌려주기",
    ),
    (
        ["아이", "어린이", "아동", "유아", "아기", "키즈", "child", "children", "kid", "baby"],
        "아이",
    ),
    (["옷", "의류", "정장", "의복", "clothes", "clothing", "suit"], "옷"),
    (["공구", "도구", "tool"], "공구"),
    (["자전거", "따릉이", "바이크", "bike", "bicycle"], "자전거"),
    (
        ["셰어하우스", "쉐어하우스", "공유주택", "공유주거", "share house", "sharehouse"]
        + ["shared housing"],
        "셰어하우스",
    ),
    (["주차", "주차장", "parking"], "주차"),
    (["차", "자동차", "카", "차량", "car", "vehicle"], "자동차"),
    (
        ["카셰어링", "카쉐어링", "차량공유", "나눔카", "car sharing", "carsharing"],
        "카셰어링",
    ),
    (["카풀", "승차공유", "합승", "carpool", "ride sharing", "ridesharing"], "카풀"),
    (["책", "도서", "book"], "책"),
    (["도서관", "라이브러리", "library"], "도서관"),
    (["장난감", "완구", "toy"], "장난감"),
    (["공간", "장소", "스페이스", "space", "venue"], "공간"),
    (["회의실", "모임공간", "세미나실", "meeting room"], "회의실"),
    (["사무실", "오피스", "코워킹", "공유오피스", "office", "coworking"], "사무실"),
    (["주거", "주택", "집", "housing", "house", "home"], "주거"),
    (
        ["숙박", "민박", "홈스테이", "게스트하우스", "빈방", "lodging", "homestay"]
        + ["guesthouse"],
        "숙박",
    ),
    (["여행", "관광", "투어", "travel", "trip", "tour"], "여행"),
    (["재능", "노하우", "경험", "talent", "skill", "experience"], "재능과 경험"),
    (["돌봄", "보육", "케어", "care"], "돌봄"),
    (["육아", "양육", "childcare", "parenting"], "육아"),
    (["반려동물", "애완동물", "펫", "강아지", "pet", "dog"], "반려동물"),
    (["음식", "먹거리", "식사", "밥", "요리", "food", "meal"], "먹거리"),
    (["문화", "예술", "culture", "art"], "문화와 예술"),
    (["중고", "재사용", "리유즈", "second-hand", "reuse", "used"], "중고"),
    (["교환", "물물교환", "exchange", "swap"], "교환"),
    (["물건", "물품", "용품", "goods", "item"], "물건"),
    (["앱", "어플", "애플리케이션", "app", "application"], "앱"),
    (["플랫폼", "platform"], "플랫폼"),
    (["무료", "공짜", "free"], "무료"),
    (["학교", "대학", "캠퍼스", "school", "campus", "university"], "학교"),
    (["캠핑", "캠핑용품", "camping"], "캠핑"),
    (["킥보드", "전동킥보드", "scooter"], "킥보드"),
    (["청년", "젊은이", "youth", "young"], "청년"),
    (["어르신", "노인", "시니어", "senior", "elderly"], "어르신"),
    (["창업", "스타트업", "startup"], "창업"),
    (["크라우드펀딩", "펀딩", "crowdfunding", "funding"], "크라우드펀딩"),
    (["빈집", "유휴공간", "유휴", "vacant", "idle"], "빈 공간"),
]


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    if SynonymGroup.objects.exists():
        return
    SynonymGroup.objects.bulk_create(SynonymGroup(words=words, note=note) for words, note in SEED)


def unseed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    seeded = [sorted(words) for words, _ in SEED]
    for group in SynonymGroup.objects.all():
        if sorted(group.words) in seeded:
            group.delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_synonyms_and_entry_districts")]

    operations = [migrations.RunPython(seed, unseed)]
