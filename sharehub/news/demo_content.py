"""The demo's words: the city's five pages, ten articles and the Korean text of the milestones.

Facts come from data/sharing-city-milestones.csv and data/SOURCES.md (Seoul's sharing city
policy since 2012); the wording is original."""

from __future__ import annotations

PAGES = [
    {
        "slug": "sharing-city",
        "order": 10,
        "show_timeline": True,
        "title_ko": "공유도시 서울",
        "title_en": "Sharing City Seoul",
        "summary_ko": "2012년 공유도시 선언부터 지금까지, 서울이 함께 나누어 쓰는 도시가 되어 온 과정입니다.",
        "summary_en": "From the 2012 declaration to today: how Seoul became a city that shares.",
        "body_ko": (
            "<p>서울시는 2012년 9월 20일 ‘공유도시 서울’을 선언했습니다. 남는 공간과 물건, 시간과 재능을 이웃과 나누어 "
            "쓰면 자원 낭비를 줄이고 끊어진 관계를 다시 잇고 새로운 일자리를 만들 수 있다는 생각에서였습니다. "
            "선언과 함께 차량·주차장·공구·아이 옷·빈방·책 등 20개 공유 사업이 시작되었습니다.</p>"
            "<h2>무엇을 나누나요</h2>"
            "<ul><li>공간: 주민센터 회의실, 강당 같은 공공시설의 빈 시간</li>"
            "<li>물건: 공구, 아이 옷과 장난감, 정장, 책</li>"
            "<li>이동: 나눔카, 자전거, 거주자 우선주차장</li>"
            "<li>시간과 재능: 여행 안내, 집밥, 돌봄</li></ul>"
            "<h2>공유허브</h2>"
            "<p>2013년 문을 연 공유허브는 공유단체와 기업, 시민을 잇는 서울의 공유 플랫폼입니다. "
            "이곳에서 공유 서비스를 찾고, 소식과 이야기를 읽고, 공유단체 지정을 신청할 수 있습니다.</p>"
        ),
        "body_en": (
            "<p>On 20 September 2012 Seoul declared itself a ‘Sharing City’. Sharing idle space and goods, time and "
            "skills with neighbours cuts waste, mends the ties between people and creates work: with the declaration "
            "came 20 sharing projects for cars, parking, tools, children’s clothes, spare rooms and books.</p>"
            "<h2>What is shared</h2>"
            "<ul><li>Space: the idle hours of public facilities such as community-centre meeting rooms and halls</li>"
            "<li>Goods: tools, children’s clothes and toys, suits, books</li>"
            "<li>Mobility: shared cars, bicycles, residents’ parking spaces</li>"
            "<li>Time and skills: guided trips, home cooking, childcare</li></ul>"
            "<h2>ShareHub</h2>"
            "<p>Opened in 2013, ShareHub is the city’s platform linking sharing organizations, enterprises and citizens. "
            "Here you find sharing services, read news and stories, and apply for designation.</p>"
        ),
    },
    {
        "slug": "policies",
        "order": 20,
        "title_ko": "공유 정책",
        "title_en": "Sharing policies",
        "summary_ko": "공공자원 개방, 공유기업 지원, 시민 참여를 세 축으로 하는 서울시의 공유 정책입니다.",
        "summary_en": "Seoul’s sharing policy rests on three pillars: opening public resources, supporting sharing enterprises and involving citizens.",
        "body_ko": (
            "<h2>공공자원 개방</h2><p>2013년 1월부터 시와 자치구의 공공시설 유휴 공간을 서울시 공공서비스예약에서 예약할 수 "
            "있습니다. 2014년에는 주말과 평일 저녁 개방 시설이 250곳으로 세 배 늘었습니다.</p>"
            "<h2>공유단체·기업 지원</h2><p>시는 공유단체와 기업을 지정하고, 공유 사업에 사업비를 지원하며, 홍보와 교육을 돕습니다.</p>"
            "<h2>시민 참여</h2><p>공유 축제와 공유의 날, 자치구 공유 사업을 통해 시민이 직접 나눔에 참여합니다. "
            "2018년 조사에서 시민의 97.6%가 공유 정책을 한 가지 이상 알고 있었고 만족도는 88.8%였습니다.</p>"
        ),
        "body_en": (
            "<h2>Opening public resources</h2><p>Since January 2013 the idle spaces of city and district facilities can be "
            "booked online through the city’s public service reservation site. In 2014 the facilities open at weekends "
            "and on weekday evenings tripled to 250.</p>"
            "<h2>Supporting sharing organizations and enterprises</h2><p>The city designates sharing organizations and "
            "enterprises, funds sharing projects and helps with publicity and training.</p>"
            "<h2>Involving citizens</h2><p>Sharing festivals, Sharing Day and district projects bring citizens in. In a "
            "2018 survey 97.6% of citizens knew at least one sharing policy, and 88.8% were satisfied.</p>"
        ),
    },
    {
        "slug": "designation",
        "order": 30,
        "title_ko": "공유단체·기업 지정 안내",
        "title_en": "How designation works",
        "summary_ko": "서울시가 공유단체와 공유기업을 지정하는 절차와 지정 후 받을 수 있는 지원입니다.",
        "summary_en": "How the city designates sharing organizations and enterprises, and the support that follows.",
        "body_ko": (
            "<ol><li><strong>신청</strong>: 공유 활동을 6개월 이상 한 중소기업, 사회적기업, 협동조합, 비영리법인·단체가 "
            "공유허브에서 단체 정보(대표자, 사업자등록번호 또는 고유번호, 설립일, 회원·인력, 전년도 예산)와 공유 사업 계획을 적고, "
            "단체 유형에 맞는 서류(사업계획서, 정관 또는 규약, 등기사항증명서 등)를 첨부해 제출합니다. 제출하면 접수번호와 처리 기한을 받습니다.</li>"
            "<li><strong>심사</strong>: 서류 심사, 현장 실사, 발표 심사를 거치며 단체 역량(50점)과 공유 가치(50점)를 평가합니다. "
            "시 담당자가 필요하면 보완을 요청합니다.</li>"
            "<li><strong>심의</strong>: 공유촉진위원회가 심의해 의결합니다.</li>"
            "<li><strong>지정</strong>: 지정 결과를 알리고 지정서(PDF)를 발급합니다. 지정서에 적힌 확인 코드로 누구나 "
            '<a href="/ko/designation/verify/">진위를 확인</a>할 수 있습니다. 지정은 3년 동안 유효하며, 지정된 단체는 해마다 활동 보고서를 냅니다.</li></ol>'
            '<p>지정된 단체는 <a href="/ko/designation/">지정 현황</a>에서 찾아볼 수 있습니다.</p>'
            "<p>지정된 단체는 공유 사업비 지원을 신청할 수 있고, 서울시 공유 브랜드를 쓰며 홍보를 지원받습니다. "
            "2013년 첫 지정에서는 58곳이 신청해 27곳이 지정되었고, 2021년 상반기까지 195곳이 지정되었습니다.</p>"
        ),
        "body_en": (
            "<ol><li><strong>Apply</strong>: small businesses, social enterprises, cooperatives and non-profits with at "
            "least six months of sharing activity send, on ShareHub, the organization’s details (representative, business or "
            "non-profit registration number, founding date, members and staff, last year’s budget), the sharing project and "
            "the documents their type requires (business plan, articles or bylaws, registry extract…). The application gets a "
            "receipt number and a processing deadline.</li>"
            "<li><strong>Review</strong>: a document review, a site visit and a presentation; the organization is scored "
            "(50 points) with its sharing value (50 points). City staff may ask for more.</li>"
            "<li><strong>Deliberation</strong>: the Sharing Promotion Committee deliberates and votes.</li>"
            "<li><strong>Designation</strong>: the decision is announced and a certificate (PDF) issued; anyone can "
            '<a href="/en/designation/verify/">check it</a> with the code printed on it. A designation is valid for three '
            "years, and designated organizations send an activity report every year.</li></ol>"
            '<p>Designated organizations are listed in the <a href="/en/designation/">register of designations</a>.</p>'
            "<p>Designated organizations may apply for project funding, use the Sharing Seoul brand and receive help "
            "with publicity. The first round in 2013 designated 27 of 58 applicants; 195 had been designated by mid-2021.</p>"
        ),
    },
    {
        "slug": "ordinance",
        "order": 40,
        "title_ko": "공유 촉진 조례",
        "title_en": "The ordinance on promoting sharing",
        "summary_ko": "2012년 제정된 「서울특별시 공유 촉진 조례」의 주요 내용입니다.",
        "summary_en": "The main points of the Seoul Metropolitan Government Ordinance on the Promotion of Sharing (2012).",
        "body_ko": (
            "<p>서울특별시의회는 2012년 11월 26일 「서울특별시 공유 촉진 조례」를 의결했고, 조례는 2012년 12월 31일 "
            "공포되었습니다. 공유도시 정책의 법적 근거가 되는 조례입니다.</p>"
            "<h2>주요 내용</h2><ul><li>공유의 뜻과 시장의 책무</li><li>공유단체·공유기업의 지정과 지원</li>"
            "<li>공공자원의 개방</li><li>공유촉진위원회의 구성과 역할</li><li>공유 문화 확산을 위한 교육과 홍보</li></ul>"
            "<p>조례 전문은 국가법령정보센터의 자치법규에서 볼 수 있습니다.</p>"
        ),
        "body_en": (
            "<p>The Seoul Metropolitan Council passed the Ordinance on the Promotion of Sharing on 26 November 2012; it "
            "was promulgated on 31 December 2012 and is the legal basis of the sharing city policy.</p>"
            "<h2>What it provides</h2><ul><li>What sharing means and the mayor’s duties</li>"
            "<li>Designation of and support for sharing organizations and enterprises</li>"
            "<li>Opening public resources</li><li>The Sharing Promotion Committee</li>"
            "<li>Education and publicity to spread a culture of sharing</li></ul>"
            "<p>The full text is published in Korea’s national database of local laws.</p>"
        ),
    },
    {
        "slug": "faq",
        "order": 50,
        "title_ko": "자주 묻는 질문",
        "title_en": "Frequently asked questions",
        "summary_ko": "공유허브와 공유 서비스에 대해 자주 묻는 질문과 답입니다.",
        "summary_en": "Common questions about ShareHub and sharing services.",
        "body_ko": (
            "<h2>공유 서비스는 어떻게 찾나요?</h2><p>‘공유 서비스 찾기’에서 분야와 자치구로 찾거나 지도에서 볼 수 있습니다.</p>"
            "<h2>우리 단체의 이야기를 싣고 싶어요.</h2><p>단체 구성원은 소식의 ‘글쓰기’에서 단체 이야기를 써서 검토를 요청할 수 "
            "있습니다. 시 편집자가 검토한 뒤 게시합니다.</p>"
            "<h2>글을 다시 써도 되나요?</h2><p>각 글에 표시된 이용 허락 조건을 따르면 됩니다. 대부분의 글은 CC BY 4.0으로, "
            "출처를 밝히면 자유롭게 다시 쓸 수 있습니다.</p>"
            "<h2>공유단체 지정은 언제 신청하나요?</h2><p>지정 신청은 공유허브에서 연중 받고 있습니다. ‘지정 안내’를 보세요.</p>"
        ),
        "body_en": (
            "<h2>How do I find a sharing service?</h2><p>Use ‘Find sharing services’ to search by field and district, or "
            "browse the map.</p>"
            "<h2>Can our organization publish its story?</h2><p>Members of an organization can write a story under "
            "‘Write an article’ and submit it; the city’s editors review and publish it.</p>"
            "<h2>May I reuse an article?</h2><p>Follow the licence shown on each article. Most are under CC BY 4.0: reuse "
            "them freely, naming the source.</p>"
            "<h2>When can we apply for designation?</h2><p>Applications are open all year on ShareHub; see ‘How "
            "designation works’.</p>"
        ),
    },
]

# The demo's tags, each one tag in both languages: (address name, Korean, English).
TAGS = [
    ("sharehub", "공유허브", "ShareHub"),
    ("designation", "지정", "designation"),
    ("suits", "정장", "suits"),
    ("youth", "청년", "youth"),
    ("car-sharing", "나눔카", "car sharing"),
    ("public-space", "공공공간", "public space"),
    ("childrens-clothes", "아이옷", "children's clothes"),
    ("tools", "공구", "tools"),
    ("statistics", "통계", "statistics"),
    ("festival", "축제", "festival"),
    ("parking", "주차", "parking"),
]

# (kind, organization name_en or None, licence, tags (Korean names), days ago, title_ko, title_en, summary_ko, summary_en, body_ko, body_en)
ARTICLES = [
    (
        "announcement",
        None,
        "cc-by-4.0",
        ["공유허브"],
        2,
        "새 공유허브가 문을 열었습니다",
        "The new ShareHub is open",
        "공유 서비스 찾기, 소식, 지정 신청을 한곳에 모은 새 공유허브를 소개합니다.",
        "Find sharing services, read the news and apply for designation, all in one place.",
        "<p>2013년 처음 문을 연 공유허브가 새 모습으로 돌아왔습니다. 자치구와 분야별로 공유 서비스를 찾고, 지도에서 가까운 "
        "공유 공간을 보고, 공유단체 지정을 온라인으로 신청할 수 있습니다.</p><p>소식은 RSS와 Atom 피드로도 받아 볼 수 있습니다.</p>",
        "<p>ShareHub, first opened in 2013, is back in a new form. Find sharing services by district and field, see "
        "nearby shared spaces on the map, and apply for designation online.</p><p>The news is also available as RSS and Atom feeds.</p>",
    ),
    (
        "policy",
        None,
        "cc-by-4.0",
        ["지정"],
        9,
        "공유단체·기업 지정 신청을 연중 받습니다",
        "Designation applications are open all year",
        "정해진 공모 기간 없이 공유허브에서 언제든 지정을 신청할 수 있습니다.",
        "Apply for designation on ShareHub at any time, with no fixed call period.",
        "<p>서울시는 공유단체와 공유기업 지정 신청을 연중 받습니다. 신청서는 공유허브에서 쓰고, 검토 상황도 공유허브에서 "
        "확인할 수 있습니다. 지정은 3년 동안 유효하며 만료 전에 갱신을 신청할 수 있습니다.</p>",
        "<p>The city now takes applications for designation all year round. Write the application on ShareHub and follow "
        "its review there. A designation is valid for three years and can be renewed before it expires.</p>",
    ),
    (
        "story",
        "Open Closet",
        "cc-by-sa-4.0",
        ["정장", "청년"],
        5,
        "면접 정장을 나누는 열린옷장",
        "Open Closet lends suits for job interviews",
        "기증받은 정장을 청년 구직자에게 빌려주는 열린옷장의 이야기입니다.",
        "How Open Closet lends donated suits to young job seekers.",
        "<p>열린옷장은 직장인들이 기증한 정장을 면접을 앞둔 청년에게 저렴하게 빌려줍니다. 옷마다 기증자의 편지가 함께 "
        "전해져, 옷과 함께 응원도 나눕니다.</p><blockquote>“옷장에 잠든 정장 한 벌이 누군가에게는 첫 출근의 시작이 됩니다.”</blockquote>",
        "<p>Open Closet lends suits donated by working people to young job seekers before their interviews, at a small "
        "fee. Each suit comes with a letter from its donor: the encouragement is shared along with the clothes.</p>"
        "<blockquote>“A suit asleep in a wardrobe can be someone’s first day at work.”</blockquote>",
    ),
    (
        "story",
        "SoCar",
        "cc-by-4.0",
        ["나눔카"],
        12,
        "동네에서 빌려 타는 나눔카",
        "Car sharing in the neighbourhood",
        "집 가까운 주차장에서 필요한 시간만큼 차를 빌려 쓰는 나눔카 이야기입니다.",
        "Renting a car by the hour from a car park near home.",
        "<p>나눔카는 서울시와 카셰어링 기업이 함께하는 차량 공유 사업입니다. 공영주차장과 주민센터 주차장에 차량을 두어, "
        "시민이 가까운 곳에서 필요한 시간만큼 차를 빌려 씁니다. 2016년까지 회원이 약 124만 명에 이르렀습니다.</p>",
        "<p>Shared cars (Nanum Car) is the city’s car-sharing scheme with car-sharing companies. Cars wait in public car "
        "parks and at community centres, so residents rent one near home for the hours they need. By 2016 the scheme "
        "counted about 1.24 million members.</p>",
    ),
    (
        "news",
        None,
        "cc-by-4.0",
        ["공공공간"],
        20,
        "주민센터 회의실, 저녁과 주말에도 빌릴 수 있어요",
        "Community rooms open in the evening and at weekends",
        "공공시설 유휴 공간을 저녁과 주말에도 예약할 수 있습니다.",
        "Idle public spaces can now be booked in the evening and at weekends too.",
        "<p>주민센터 회의실과 강당 같은 공공시설의 빈 공간을 평일 저녁(18~21시)과 주말에도 예약할 수 있습니다. "
        "사물함, 빔프로젝터, 책장을 갖춘 공간도 늘었습니다.</p>",
        "<p>Meeting rooms and halls of public facilities can be booked on weekday evenings (18:00–21:00) and at weekends. "
        "More spaces now have lockers, projectors and bookshelves.</p>",
    ),
    (
        "story",
        "Kiple",
        "cc-by-4.0",
        ["아이옷"],
        30,
        "작아진 아이 옷, 키플에서 다시 입어요",
        "Outgrown children’s clothes find new wearers at Kiple",
        "아이 옷을 나누고 바꿔 입는 키플의 이야기입니다.",
        "Kiple’s story of sharing and swapping children’s clothes.",
        "<p>아이들은 금세 자라 옷이 작아집니다. 키플은 작아진 옷을 보내면 적립금을 주고, 그 적립금으로 다른 아이가 입던 "
        "옷을 받을 수 있게 합니다.</p>",
        "<p>Children outgrow their clothes fast. Kiple gives credit for outgrown clothes, and the credit buys clothes another "
        "child has outgrown.</p>",
    ),
    (
        "news",
        "Eunpyeong Sharing Center",
        "cc-by-4.0",
        ["공구"],
        40,
        "은평공유센터에서 공구를 빌려 보세요",
        "Borrow tools at the Eunpyeong Sharing Center",
        "전동드릴부터 캠핑용품까지, 자치구 공유센터에서 빌릴 수 있습니다.",
        "From power drills to camping gear: borrow from your district’s sharing centre.",
        "<p>은평공유센터는 전동드릴, 사다리, 캠핑용품처럼 가끔 쓰는 물건을 주민에게 빌려줍니다. 회원 가입 후 방문하거나 "
        "온라인으로 예약하면 됩니다.</p>",
        "<p>The Eunpyeong Sharing Center lends things people use now and then: power drills, ladders, camping gear. Join, "
        "then visit or book online.</p>",
    ),
    (
        "policy",
        None,
        "cc0-1.0",
        ["통계"],
        60,
        "공유 정책 시민 인식 조사 결과",
        "Citizens’ survey on sharing policies",
        "시민 97.6%가 공유 정책을 한 가지 이상 알고, 88.8%가 만족했습니다.",
        "97.6% of citizens knew at least one sharing policy; 88.8% were satisfied.",
        "<p>시민 1,000명을 대상으로 한 조사에서 97.6%가 서울시 공유 정책을 한 가지 이상 알고 있었고, 만족도는 88.8%였습니다. "
        "거주자 우선주차장 공유는 2017년 6월 1,936면에서 2018년 12월 6,897면으로 늘었습니다.</p>",
        "<p>In a survey of 1,000 citizens, 97.6% knew at least one of the city’s sharing policies and 88.8% were satisfied. "
        "Shared residents’ parking spaces grew from 1,936 (June 2017) to 6,897 (December 2018).</p>",
    ),
    (
        "announcement",
        None,
        "all-rights-reserved",
        ["축제"],
        75,
        "공유 축제에 함께해요",
        "Join the Sharing Festival",
        "공유기업과 단체 서른 곳이 참여하는 공유 축제에 시민 여러분을 초대합니다.",
        "Thirty sharing enterprises and organizations invite you to the Sharing Festival.",
        "<p>공유기업과 단체가 한자리에 모여 서비스를 소개하고 체험 행사를 엽니다. 물물교환 장터와 공유 토론회도 열립니다.</p>",
        "<p>Sharing enterprises and organizations gather to present their services and run workshops, with a swap market "
        "and a forum on sharing.</p>",
    ),
    (
        "story",
        "Modu Company (Modu's Parking)",
        "cc-by-4.0",
        ["주차"],
        90,
        "비어 있는 주차면을 나누는 모두의주차장",
        "Modu’s Parking shares empty parking spaces",
        "낮에 비는 거주자 우선주차장을 이웃과 나누는 방법입니다.",
        "How empty residents’ parking spaces are shared during the day.",
        "<p>출근한 뒤 낮 동안 비어 있는 거주자 우선주차장을 다른 사람이 쓸 수 있게 연결합니다. 자치구와 함께 주차 공유를 넓혀, "
        "주차난을 덜고 주차장 주인은 수익을 얻습니다.</p>",
        "<p>Residents’ parking spaces left empty during working hours are offered to others. Working with the districts, "
        "parking sharing eases the shortage of spaces and earns their holders an income.</p>",
    ),
]

# Korean wording of each milestone (keyed by the CSV's date); figures in Korean.
MILESTONES_KO = {
    "2012-07-30": (
        "공공시설 유휴 공간 온라인 예약 시작: 시와 5개 자치구(은평·서대문·성북·구로·중구)의 216곳, 12월까지 나머지 20개 구 502곳을 더해 718곳 예정. 5~90일 전 예약, 2시간에 1만~6만 원",
        "216곳",
    ),
    "2012-09-20": (
        "박원순 시장이 ‘공유도시 서울’을 선언하고 차량·주차장·공구·아이 옷·빈방·책 등 20개 공유 사업을 시작",
        "20개 사업",
    ),
    "2012-11-26": (
        "서울특별시의회가 「서울특별시 공유 촉진 조례」를 의결(2012년 12월 31일 공포)",
        "",
    ),
    "2013-01-14": (
        "공공시설 유휴 공간을 서울시 공공서비스예약(yeyak.seoul.go.kr)에서 시 전역 개방. 정치·종교·영리 목적은 제외",
        "736곳(시 33곳, 자치구 703곳)",
    ),
    "2013-04-14": (
        "첫 공유단체·기업 지정: 58곳 신청, 27곳 지정. 12곳에 사업비 2억 원 지원, 공유허브 운영은 크리에이티브 커먼즈 코리아(1억 2천만 원)",
        "27곳 지정",
    ),
    "2013-06": ("공유허브 온라인 플랫폼(sharehub.kr) 개설", ""),
    "2013-08-08": (
        "2차 지정: 43곳 신청, 8곳 지정. 5개 사업에 1억 1백만 원 지원(용산구·송파구 주차 공유 포함)",
        "8곳 지정",
    ),
    "2014-04-06": (
        "주말·평일 저녁(18~21시) 개방 공공시설 250곳으로 세 배 확대. 유휴 공간 약 779곳, 75곳에 사물함·빔프로젝터·책장 설치",
        "779곳",
    ),
    "2014-10": ("공유도시 서울, 제5회 메트로폴리스 어워드 특별상 수상", ""),
    "2015-01-26": (
        "2년간 공유단체·기업 50곳 지정. 공유허브 운영 7천만 원, 사업비 최대 2천만 원 지원",
        "50곳 지정",
    ),
    "2015-04-20": (
        "‘공유서울 2기’ 발표: 지금까지 57곳 지정, 1기 경제 효과 약 4,840억 원. 2018년까지 공유기업 300곳 목표, 공공시설 약 1,000곳 개방(3,170억 원 절감)",
        "57곳 지정",
    ),
    "2015-12-31": ("2013~2015년 공유단체·기업 64곳 지정", "64곳 지정"),
    "2016-02": (
        "장난감 공유, 돌봄 연결, 셰어하우스 등 8개 기업 새로 지정. 9개 단체에 약 1억 3천만 원 지원",
        "8곳 지정",
    ),
    "2016": (
        "공유서울 서비스 시민 참여 약 155만 명(2014년 32만 명). 2013년 이후 나눔카 회원 약 124만 명",
        "155만 명 참여",
    ),
    "2016-11-06": (
        "동대문디자인플라자(DDP)에서 공유서울 페스티벌 2016 개최, 공유기업·단체 20곳 이상 참여",
        "",
    ),
    "2017-09-14": ("서울시 세미나: 5년간 공유기업 80곳 이상 지정", "80곳 이상 지정"),
    "2018-05-16": (
        "5개 기업 새로 지정, 2013년 이후 누적 102곳. 107개 사업에 15억 3,600만 원, 25개 자치구 78개 사업에 2억 8,500만 원 지원",
        "누적 102곳",
    ),
    "2018-09-07": ("마포문화비축기지에서 2018 공유서울 페스티벌(9월 7~9일), 30여 개 기업 참여", ""),
    "2019-01": (
        "2018년 시민 1,000명 조사: 97.6%가 공유 정책을 하나 이상 알고 만족도 88.8%. 거주자 우선주차장 공유 1,936면(2017년 6월)에서 6,897면(2018년 12월)으로",
        "만족도 88.8%",
    ),
    "2019-06-02": ("서울광장에서 2019 공유의 날과 공유 포럼(자치구 사례, 공유기업 발표) 개최", ""),
    "2021-09-14": (
        "공유허브에서 지정 공모: 2013년~2021년 상반기 195곳 지정, 146개 기업에 27억 3,800만 원 지원. 지정 유효기간 3년",
        "195곳 지정",
    ),
}
