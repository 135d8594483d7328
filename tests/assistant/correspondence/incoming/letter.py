# ruff: noqa: E501 - a letter keeps its lines as written
"""A small incoming letter written for the tests (the eval measures on its own set and the real 731 plan)."""

LETTER = """ỦY BAN NHÂN DÂN
TỈNH HÀ TĨNH
KHẨN
Số: 77/UBND-KT
V/v rà soát hồ sơ tiếp nhận trực tuyến
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Tĩnh, ngày 05 tháng 01 năm 2026
Kính gửi:
- Sở Y tế;
- Sở Tài chính.
Thực hiện Quyết định số 45/2023/QĐ-UBND và Quyết định số 99/2025/QĐ-UBND của UBND tỉnh, Ủy ban nhân dân tỉnh có ý kiến như sau:
1. Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính rà soát hồ sơ tiếp nhận trực tuyến, báo cáo UBND tỉnh trong thời hạn 15 ngày kể từ ngày ký.
2. Sở Y tế tổng hợp ý kiến của các cơ sở khám bệnh, chữa bệnh, gửi Văn phòng UBND tỉnh trước ngày 25/01.
3. Đề nghị Sở Tài chính bố trí kinh phí thực hiện trong thời hạn 10 ngày kể từ ngày nhận được văn bản này.
Yêu cầu các đơn vị nghiêm túc thực hiện./.
Nơi nhận:
- Như trên;
- Công an tỉnh chủ trì theo dõi việc này;
- Lưu: VT, KT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Báu Hà
"""
