"""An online course end to end in Debian's Chromium (docs/domain.md §17): the learner of the demo province reads a
lesson, seeks in the lesson's media (HTTP Range, 206) and plays it to the end, completes a SCORM 1.2 package played
with the vendored runtime, fails the quiz, retries and passes it; the enrolment is then completed through training's
results service — tiết credited on the staff record and a certificate whose public verification page answers."""
import io
import re
import time
import wave

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import expect

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.elearning.models import Choice, Lesson, LessonProgress, Quiz
from dtbd.elearning.services import scorm
from dtbd.elearning.testing import enrol_running, make_course, make_online_class, scorm_zip
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.training.models import Certificate, Enrollment, IssuingDecision
from dtbd.training.services import certificates

pytestmark = [pytest.mark.browser]


def wav_seconds(seconds=20, rate=8000):
    """A real, seekable media file the browser plays without proprietary codecs (PCM in WAV)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(bytes((128 + (i % 32) - 16) & 0xFF for i in range(seconds * rate)))
    return buffer.getvalue()


@pytest.fixture
def world(transactional_db, tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    learner = make_user("hocvien", Role.LEARNER, password="demo12345",
                        person=make_person(tree.phong_a, code="HV001", full_name="Trần Thị Học"))
    cls = make_online_class(tree, code="ONL_E2E")
    course = make_course(cls, quiz_questions=4, max_attempts=3)
    video = Lesson.objects.get(module__course=course, kind="VIDEO")
    video.file.save("bai-giang.wav", ContentFile(wav_seconds()), save=False)
    video.content_type = "audio/wav"
    video.save()
    package = Lesson.objects.create(module=video.module, title="Bài SCORM: Luật Cán bộ", kind="SCORM", order=5)
    scorm.import_package(package, scorm_zip())
    enrolment = enrol_running(cls, learner.person)
    return course, enrolment


def answer_quiz(page, right):
    """Answer every question on the page: the first `right` with the right option, the others wrong."""
    fieldsets = page.locator("fieldset.el-question")
    for n in range(fieldsets.count()):
        fieldset = fieldsets.nth(n)
        option = fieldset.locator("label", has_text="Đúng" if n < right else "Sai").locator("input")
        with page.expect_response(re.compile(r"/tra-loi/$")) as saved:
            option.check()
        assert saved.value.status == 200
        expect(fieldset.locator(".el-saved")).to_contain_text("Đã lưu")


def test_a_learner_completes_an_online_course_end_to_end(browser_login, world, live_server):
    course, enrolment = world
    context, page = browser_login("hocvien")
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # "Nộp bài?" confirmation
    page.set_viewport_size({"width": 390, "height": 844})  # a phone

    # ---- the portal lists the course; the course page starts at the first lesson
    page.goto("/dao-tao/hoc-vien/")
    expect(page.get_by_role("heading", name="Khoá học trực tuyến của tôi")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone
    page.get_by_role("link", name=course.training_class.name).click()
    page.get_by_role("link", name=re.compile("Bắt đầu học")).click()
    expect(page.get_by_role("heading", name="Bài đọc")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone
    page.get_by_role("button", name="Đánh dấu đã học xong").click()
    expect(page.get_by_text("Đã ghi nhận bạn học xong")).to_be_visible()

    # ---- the media lesson: seek (Range request answered 206), then play to the end
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if "/tep/" in r.url else None)
    page.get_by_role("link", name="Học tiếp: Bài giảng video").click()  # resumes at the first lesson not yet seen
    video = page.locator("video.el-video")
    expect(video).to_be_visible()
    page.evaluate("""() => new Promise(resolve => {
        const v = document.querySelector('video.el-video');
        if (v.readyState >= 1) resolve(); else v.addEventListener('loadedmetadata', resolve, {once: true});
    })""")
    position = page.evaluate("""() => new Promise(resolve => {
        const v = document.querySelector('video.el-video');
        v.addEventListener('seeked', () => resolve(v.currentTime), {once: true});
        v.currentTime = 15;
    })""")
    assert 14.5 <= position <= 15.5
    assert 206 in statuses
    with page.expect_response(re.compile(r"/nhip/$")):
        page.evaluate("""() => { const v = document.querySelector('video.el-video');
                                 v.muted = true; v.currentTime = v.duration - 0.5; return v.play(); }""")
    video_lesson = Lesson.objects.get(module__course=course, kind="VIDEO")
    for _n in range(20):
        try:
            if LessonProgress.objects.filter(enrollment=enrolment, lesson=video_lesson,
                                             completed_at__isnull=False).exists():
                break
        except OperationalError:  # SQLite's shared-cache test database: the live server is writing the table now
            pass
        time.sleep(0.25)
    else:
        pytest.fail("the video played to its end is not marked seen")

    # ---- the PDF lesson
    page.get_by_role("link", name="Tài liệu").first.click()
    expect(page.locator("iframe.el-pdf")).to_be_attached()
    page.get_by_role("button", name="Đánh dấu đã học xong").click()

    # ---- the SCORM package: played in its frame with the SCORM 1.2 runtime, completion stored
    package = Lesson.objects.get(module__course=course, kind="SCORM")
    page.goto(f"/hoc-truc-tuyen/bai/{package.pk}/")
    frame = page.frame_locator("#scorm-frame")
    with page.expect_response(re.compile(r"/scorm/commit/$")) as commit:
        frame.get_by_role("button", name="Hoàn thành bài SCORM").click()
    assert commit.value.status == 200
    expect(page.locator("#scorm-status")).to_have_text("completed")
    record = LessonProgress.objects.get(enrollment=enrolment, lesson=package)
    assert record.scorm_status == "completed" and record.scorm_score == 90 and record.completed_at

    # ---- the quiz: failed once, the attempt resumed after a reload, retried and passed
    quiz = Quiz.objects.get(lesson__module__course=course)
    page.goto(f"/hoc-truc-tuyen/kiem-tra/{quiz.lesson_id}/")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    answer_quiz(page, right=1)
    page.reload()  # a lost connection: the answers are there
    checked = page.locator("fieldset.el-question input:checked")
    expect(checked).to_have_count(4)
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator("#attempt-score")).to_have_text("2,5")
    expect(page.get_by_text("Chưa đạt").first).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.ENROLLED
    page.get_by_role("link", name="Về bài kiểm tra").click()
    page.get_by_role("button", name="Làm lại").click()
    answer_quiz(page, right=4)
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator("#attempt-score")).to_have_text("10")
    expect(page.get_by_text("Bạn đã hoàn thành khoá học")).to_be_visible()

    # ---- the enrolment is completed as a classroom one: tiết credited, certificate verifiable
    enrolment.refresh_from_db()
    assert enrolment.state == Enrollment.State.COMPLETED
    # the institution's issuing decision (docs/domain.md §11.2) issues the certificate, as for a classroom class
    draft = IssuingDecision.objects.get(training_class=enrolment.training_class, status=IssuingDecision.Status.DRAFT)
    certificates.confirm_decision(draft, "3", timezone.localdate(), "Phạm Văn Ký", "Hiệu trưởng")
    certificate = Certificate.objects.get(enrollment=enrolment)
    assert Qualification.objects.get(pk=certificate.qualification_id).hours == 8
    page.goto("/dao-tao/hoc-vien/")
    expect(page.get_by_text(certificate.number).first).to_be_visible()
    public = context.browser.new_context(base_url=live_server.url).new_page()
    public.goto(f"/verify/{certificate.code}/")
    expect(public.get_by_text(certificate.number).first).to_be_visible()
    expect(public.get_by_text("Trần Thị Học").first).to_be_visible()
    assert Choice.objects.filter(question__quiz=quiz).count() == 8
