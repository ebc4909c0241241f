"""E-learning (docs/domain.md §17): the course of an online or blended class — modules, lessons (text, PDF, video,
link, SCORM 1.2 package, quiz), attachments, question banks, attempts and answers, and each learner's progress.

Files (PDF, video, attachments, SCORM packages) live in Django's default storage (var/media, or S3 with
django-storages: docs/deploy.md), never in the database; they are served by `views.files` to the class's enrolled
learners and its staff only."""
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dtbd.accounts.scope import CHANGE, VIEW, scope_of
from dtbd.training.models import Enrollment, TrainingClass

ONLINE_FORMS = (TrainingClass.Form.ONLINE, TrainingClass.Form.BLENDED)
# Enrolments that open the course: learning, and after the outcome (to look back at it).
LEARNER_STATES = (Enrollment.State.ENROLLED, Enrollment.State.COMPLETED, Enrollment.State.FAILED)


def _unique_name(prefix, filename):
    # An unguessable folder per file: the storage name never carries a learner's or a class's data, and a URL of the
    # storage (S3) cannot be guessed from another one.
    return f"elearning/{prefix}/{uuid.uuid4().hex}/{filename[-120:]}"


def lesson_upload_to(instance, filename):
    return _unique_name("lesson", filename)


def attachment_upload_to(instance, filename):
    return _unique_name("attachment", filename)


class CourseQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        """VIEW (open the course, its lessons and files): the class's staff (managers; institution staff of the
        classes they run) and its learners (an enrolment ENROLLED, COMPLETED or FAILED). CHANGE (edit the content,
        see the progress of every learner): the class's staff."""
        scope = scope_of(user)
        staff = TrainingClass.objects.restrict(user, CHANGE).values("pk")
        if scope.is_manager:
            return self
        q = models.Q(training_class__in=staff)
        if action == VIEW and user.is_authenticated and user.person_id:
            q |= models.Q(
                training_class__enrollments__person_id=user.person_id,
                training_class__enrollments__state__in=LEARNER_STATES,
            )
        return self.filter(q).distinct() if action == VIEW else self.filter(q)


class Course(models.Model):
    class Rule(models.TextChoices):
        ALL = "ALL", _("Xem hết các bài học và đạt mọi bài kiểm tra")
        WEIGHTED = "WEIGHTED", _("Điểm bình quân có trọng số các bài kiểm tra đạt điểm đạt")

    training_class = models.OneToOneField(
        TrainingClass, verbose_name=_("lớp"), on_delete=models.CASCADE, related_name="course"
    )
    intro = models.TextField(_("giới thiệu"), blank=True)
    completion_rule = models.CharField(_("điều kiện hoàn thành"), max_length=10, choices=Rule.choices, default=Rule.ALL)
    pass_mark = models.DecimalField(
        _("điểm đạt của khoá (thang 10)"), max_digits=4, decimal_places=2, default=5,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoá học trực tuyến")
        verbose_name_plural = _("khoá học trực tuyến")

    def __str__(self):
        return str(self.training_class)

    def clean(self):
        if self.training_class_id and self.training_class.form not in ONLINE_FORMS:
            raise ValidationError(_("Chỉ lớp học trực tuyến hoặc kết hợp mới có khoá học trực tuyến."))


class Module(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("khoá học"), on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("tên chuyên đề"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)

    class Meta:
        verbose_name = _("chuyên đề")
        verbose_name_plural = _("chuyên đề")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "TEXT", _("Bài đọc")
        PDF = "PDF", _("Tài liệu PDF")
        VIDEO = "VIDEO", _("Video")
        LINK = "LINK", _("Video, tài liệu theo đường dẫn")
        SCORM = "SCORM", _("Gói bài giảng SCORM 1.2")
        QUIZ = "QUIZ", _("Bài kiểm tra")

    module = models.ForeignKey(Module, verbose_name=_("chuyên đề"), on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("tên bài"), max_length=255)
    kind = models.CharField(_("loại bài"), max_length=6, choices=Kind.choices, default=Kind.TEXT)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    # Sanitised when saved (services.clean_html): only the tags and attributes of a document remain.
    body = models.TextField(_("nội dung"), blank=True)
    file = models.FileField(_("tệp (PDF, video)"), upload_to=lesson_upload_to, max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    duration_minutes = models.PositiveIntegerField(_("thời lượng ước tính (phút)"), default=10)
    # SCORM 1.2: the package's files under `scorm_root` in the storage; `scorm_launch` the SCO to open (imsmanifest).
    scorm_root = models.CharField(max_length=200, blank=True, editable=False)
    scorm_launch = models.CharField(_("tệp khởi chạy"), max_length=300, blank=True, editable=False)
    scorm_version = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")
        ordering = ["module__order", "module_id", "order", "id"]

    def __str__(self):
        return self.title


class Attachment(models.Model):
    lesson = models.ForeignKey(Lesson, verbose_name=_("bài học"), on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=attachment_upload_to, max_length=300)
    content_type = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = _("tài liệu đính kèm")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Quiz(models.Model):
    """The settings of a QUIZ lesson; its questions form the bank each attempt draws from."""

    lesson = models.OneToOneField(Lesson, verbose_name=_("bài học"), on_delete=models.CASCADE, related_name="quiz")
    draw = models.PositiveSmallIntegerField(
        _("số câu mỗi lượt làm"), default=0, help_text=_("Số câu rút ngẫu nhiên từ ngân hàng; 0 = tất cả các câu.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("thời gian làm bài (phút)"), null=True, blank=True, help_text=_("Để trống nếu không giới hạn.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("số lượt làm tối đa"), null=True, blank=True, help_text=_("Để trống nếu không giới hạn.")
    )
    pass_mark = models.DecimalField(
        _("điểm đạt (thang 10)"), max_digits=4, decimal_places=2, default=5,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    weight = models.PositiveSmallIntegerField(_("trọng số"), default=1)
    review_allowed = models.BooleanField(_("cho xem lại bài sau khi nộp"), default=True)

    class Meta:
        verbose_name = _("bài kiểm tra trực tuyến")
        verbose_name_plural = _("bài kiểm tra trực tuyến")

    def __str__(self):
        return self.lesson.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "SINGLE", _("Một lựa chọn")
        MULTIPLE = "MULTIPLE", _("Nhiều lựa chọn")
        TRUE_FALSE = "TF", _("Đúng/Sai")
        SHORT = "SHORT", _("Trả lời ngắn")

    quiz = models.ForeignKey(Quiz, verbose_name=_("bài kiểm tra"), on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("loại câu hỏi"), max_length=8, choices=Kind.choices)
    text = models.TextField(_("câu hỏi"))
    # SHORT: the accepted answers, separated by "|" (compared without case, accents kept, spaces collapsed).
    accepted = models.CharField(_("đáp án chấp nhận (câu trả lời ngắn)"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=1)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("câu hỏi"), on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("phương án"), max_length=500)
    correct = models.BooleanField(_("đúng"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)

    class Meta:
        verbose_name = _("phương án trả lời")
        verbose_name_plural = _("phương án trả lời")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class Attempt(models.Model):
    """One try of a learner at a quiz. `questions`: the ids drawn for it, in the order shown. `deadline`: when the
    server stops taking answers (started_at + the time limit), None without a limit."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("bài kiểm tra"), on_delete=models.CASCADE, related_name="attempts")
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("lượt"))
    questions = models.JSONField(default=list)
    started_at = models.DateTimeField(_("bắt đầu"))
    deadline = models.DateTimeField(_("hạn nộp"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    score = models.DecimalField(_("điểm"), max_digits=4, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("đạt"), default=False)

    class Meta:
        verbose_name = _("lượt làm bài")
        verbose_name_plural = _("lượt làm bài")
        ordering = ["quiz", "enrollment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "enrollment", "number"], name="elearning_attempt_unique_number"),
            # At most one open attempt per learner and quiz.
            models.UniqueConstraint(
                fields=["quiz", "enrollment"], condition=models.Q(submitted_at__isnull=True),
                name="elearning_attempt_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.quiz_id}/{self.enrollment_id} #{self.number}"


class Answer(models.Model):
    """A learner's answer to one question of an attempt, saved as it is given (one upsert per answer). `value`: the
    chosen choice ids (list) or the text typed."""

    attempt = models.ForeignKey(Attempt, verbose_name=_("lượt làm bài"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("câu hỏi"), on_delete=models.CASCADE, related_name="+")
    value = models.JSONField(default=list)
    saved_at = models.DateTimeField(_("lưu lúc"))

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="elearning_answer_unique"),
        ]


class LessonProgress(models.Model):
    """A learner's progress in one lesson: when first opened and last seen, when seen to the end (`completed_at`),
    time spent (seconds, from the page's heartbeat), where they stopped (video second), and a SCORM lesson's
    runtime data (cmi.core.lesson_status, score, suspend_data, lesson_location)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("học viên"), on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("bài học"), on_delete=models.CASCADE, related_name="progress")
    first_seen_at = models.DateTimeField(_("mở lần đầu"))
    last_seen_at = models.DateTimeField(_("xem lần cuối"))
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("thời gian học (giây)"), default=0)
    position = models.PositiveIntegerField(_("vị trí dừng (giây)"), default=0)
    scorm_status = models.CharField(_("trạng thái SCORM"), max_length=20, blank=True)
    scorm_score = models.DecimalField(_("điểm SCORM"), max_digits=6, decimal_places=2, null=True, blank=True)
    scorm_data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("tiến độ bài học")
        verbose_name_plural = _("tiến độ bài học")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="elearning_progress_unique"),
        ]
        indexes = [models.Index(fields=["enrollment", "last_seen_at"])]
