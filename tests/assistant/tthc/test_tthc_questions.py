"""Question understanding for procedures: the asked field(s) and channel, with and without diacritics."""

from __future__ import annotations

import pytest

from assistant.tthc.questions import asked_channel, asked_fields, mentions_procedure
from core.vietnamese import fold

LIET_SI = ("Thủ tục đề nghị công nhận liệt sĩ đối với quân nhân, công nhân và viên chức quốc phòng, người làm việc "
           "trong tổ chức cơ yếu thuộc Ban Cơ yếu Chính phủ đang tại ngũ, công tác hy sinh")

CASES = [
    ("Thủ tục đăng ký nghĩa vụ quân sự tạm vắng mất mấy ngày?", ["time"]),
    ("Bao giờ thì có kết quả đăng ký nghĩa vụ quân sự tạm vắng?", ["time"]),
    ("Đăng ký nghĩa vụ quân sự tạm vắng có mất phí không?", ["fee"]),
    ("Làm thủ tục này tốn bao nhiêu tiền?", ["fee"]),
    ("Đăng ký nghĩa vụ quân sự tạm vắng cần mang theo gì?", ["documents"]),
    ("Hồ sơ đăng ký tạm vắng gồm những giấy tờ gì?", ["documents"]),
    ("Hồ sơ đăng ký nghĩa vụ quân sự tạm vắng gồm những gì?", ["documents"]),  # the name between "hồ sơ" and "gồm"
    ("Ai tiếp nhận hồ sơ đăng ký nghĩa vụ quân sự tạm vắng?", ["agency"]),
    ("Nộp hồ sơ đăng ký tạm vắng ở đâu?", ["agency"]),
    ("Làm xong thủ tục tạm vắng thì nhận được gì?", ["result"]),
    ("Những ai phải đăng ký nghĩa vụ quân sự tạm vắng?", ["subject"]),
    ("Đăng ký tạm vắng nộp bằng cách nào?", ["channel"]),
    ("Thủ tục tạm vắng có nộp trực tuyến được không?", ["channel"]),
    ("Điều kiện để được công nhận liệt sĩ là gì?", ["conditions"]),
    ("Thủ tục đăng ký tạm vắng được quy định tại văn bản nào?", ["legal_basis"]),
    ("Thủ tục tạm vắng mất bao lâu và lệ phí bao nhiêu?", ["time", "fee"]),
    ("Nộp ở đâu và cần giấy tờ gì để đăng ký tạm vắng?", ["documents", "agency"]),
]


@pytest.mark.parametrize(("question", "fields"), CASES)
def test_each_field_type_with_and_without_diacritics(question: str, fields: list[str]) -> None:
    assert asked_fields(question) == fields
    assert asked_fields(fold(question)) == fields


def test_words_of_the_procedure_name_do_not_count_as_the_asked_field() -> None:
    question = ("Hồ sơ đề nghị công nhận liệt sĩ đối với quân nhân đang tại ngũ được giải quyết trong thời hạn "
                "bao lâu?")
    assert asked_fields(question, LIET_SI) == ["time"]
    # "trực tiếp tham gia kháng chiến" names the procedure; it is not the channel asked
    title = "Thủ tục thực hiện chế độ trợ cấp một lần đối với quân nhân trực tiếp tham gia kháng chiến"
    assert asked_channel("Chế độ trợ cấp một lần đối với quân nhân trực tiếp tham gia kháng chiến mất bao lâu?",
                         title) is None


def test_channel_is_read_with_or_without_diacritics() -> None:
    assert asked_channel("Nộp trực tuyến thì lệ phí bao nhiêu?") == "Trực tuyến"
    assert asked_channel("gui qua buu dien duoc khong") == "Dịch vụ bưu chính"
    assert asked_channel("Nộp trực tiếp hay trực tuyến?") is None  # two channels: the answer lists all


def test_only_procedure_questions_take_the_record_path() -> None:
    assert mentions_procedure("Thủ tục cấp hộ chiếu phổ thông")
    assert not mentions_procedure("Kế hoạch 731 triển khai chiến lược dữ liệu đến năm 2030")
