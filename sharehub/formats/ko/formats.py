# Korean writes the half of the day before the time ("오후 1:00"); Django's ko DATETIME_FORMAT puts
# it after ("1:00 오후") while its TIME_FORMAT puts it before, so a range mixed both orders.
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
# Tables' short dates as Korean offices write them, zero-padded ("2026-12-05 19:20"); Django's
# ko formats leave the month and day unpadded ("2026-12-5").
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
