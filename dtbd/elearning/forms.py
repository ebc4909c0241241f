from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Attachment, Course, Lesson, Quiz


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["intro", "completion_rule", "pass_mark"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Tên chuyên đề"), max_length=255)


class LessonForm(forms.ModelForm):
    url = forms.URLField(label=_("Đường dẫn"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Lesson
        fields = ["title", "kind", "order", "duration_minutes", "body", "file", "url"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        upload = data.get("file")
        if kind in (Lesson.Kind.PDF, Lesson.Kind.VIDEO) and not upload:
            self.add_error("file", _("Bài loại này cần tệp (PDF hoặc video)."))
        if kind == Lesson.Kind.PDF and upload and hasattr(upload, "name") and not upload.name.lower().endswith(".pdf"):
            self.add_error("file", _("Tệp của bài PDF phải có đuôi .pdf."))
        if kind == Lesson.Kind.VIDEO and upload and hasattr(upload, "name") and not upload.name.lower().endswith(
            (".mp4", ".webm", ".ogv", ".m4v")
        ):
            self.add_error("file", _("Video phải là tệp .mp4, .webm, .ogv hoặc .m4v."))
        if kind == Lesson.Kind.LINK and not data.get("url"):
            self.add_error("url", _("Bài loại này cần đường dẫn."))
        return data


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["draw", "time_limit_minutes", "max_attempts", "pass_mark", "weight", "review_allowed"]


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["name", "file"]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp"))
