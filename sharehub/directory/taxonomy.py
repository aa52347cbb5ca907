"""The seed taxonomy: the fields of Seoul's sharing economy. City staff edit it afterwards."""

from __future__ import annotations

# (slug, Korean name, English name)
SEED_CATEGORIES = [
    ("space", "공간", "Space"),
    ("goods-and-tools", "물건·공구", "Goods and tools"),
    ("car-sharing-and-parking", "카셰어링·주차", "Car sharing and parking"),
    ("clothing", "의류", "Clothing"),
    ("childrens-goods", "아동용품", "Children's goods"),
    ("books", "도서", "Books"),
    ("housing-and-rooms", "주거·방", "Housing and rooms"),
    ("skills-and-knowledge", "재능·지식", "Skills and knowledge"),
    ("time-and-care", "시간·돌봄", "Time and care"),
    ("food", "먹거리", "Food"),
    ("travel", "여행", "Travel"),
    ("culture", "문화", "Culture"),
    ("platforms", "플랫폼", "Platforms"),
]
