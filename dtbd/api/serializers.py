"""Serializers of /api/v1/: read shapes of the registers, plus the write inputs of training (the staff register's
are in dtbd.api.staff). Every related name shown in a row comes from select_related / annotations of the view's
queryset: no per-row query."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dtbd.org.models import Unit
from dtbd.people.masking import mask_citizen_id, mask_phone, sees_identifiers
from dtbd.people.models import AnnualAssessment, Person, Qualification
from dtbd.standards.models import Requirement
from dtbd.training.models import Attendance, Certificate, Enrollment, Program, Result, TrainingClass

from .messages import VietnameseMessages


def shows_personal_ids(user, person):
    """The one masking rule of the project (people.masking.sees_identifiers): full citizen ID and phone for the
    roles that write the register and for the person themself; masked for read-only roles."""
    return sees_identifiers(user, person)


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "admin_level", "parent", "parent_code", "depth", "valid_from", "valid_to"]


class PersonSerializer(serializers.ModelSerializer):
    """A staff member with their present unit, category, rank, top post and main levels (people.queries.present_columns).
    `citizen_id` and `phone` are masked (********1234) for read-only roles."""

    ethnicity = serializers.CharField(source="ethnicity.name", read_only=True)
    citizen_id = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    unit = serializers.IntegerField(source="unit_pk", read_only=True, allow_null=True)
    unit_name = serializers.CharField(read_only=True, allow_null=True)
    category = serializers.CharField(source="category_code", read_only=True, allow_null=True)
    rank_code = serializers.CharField(read_only=True, allow_null=True)
    rank_name = serializers.CharField(read_only=True, allow_null=True)
    post_level = serializers.CharField(read_only=True, allow_null=True)
    post_title = serializers.CharField(read_only=True, allow_null=True)
    education_level = serializers.CharField(source="edu_level", read_only=True, allow_null=True)
    political_theory_level = serializers.CharField(source="llct_level", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id", "code", "full_name", "birth_date", "gender", "ethnicity", "citizen_id", "email", "phone",
            "recruited_on", "party_member", "left_on", "unit", "unit_name", "category", "rank_code", "rank_name",
            "post_level", "post_title", "education_level", "political_theory_level",
        ]

    def _shows(self, person):
        return shows_personal_ids(self.context["request"].user, person)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_citizen_id(self, person):
        if not person.citizen_id:
            return None
        return person.citizen_id if self._shows(person) else mask_citizen_id(person.citizen_id)

    @extend_schema_field(serializers.CharField())
    def get_phone(self, person):
        return person.phone if self._shows(person) else mask_phone(person.phone)


# The fields of a qualification one enters (the read shape adds id, person_code, level_label, source; the write
# input of dtbd.api.staff adds person).
QUALIFICATION_FIELDS = (
    "type", "level", "major", "language", "issuer", "issued_on", "valid_until", "certificate_no", "hours",
)


class QualificationSerializer(serializers.ModelSerializer):
    person_code = serializers.CharField(source="person.code", read_only=True)
    level_label = serializers.CharField(read_only=True)

    class Meta:
        model = Qualification
        fields = ["id", "person", "person_code", *QUALIFICATION_FIELDS, "level_label", "source"]


# The fields of an annual rating one enters (docs/domain.md §14.1).
ASSESSMENT_FIELDS = ("rating", "assessed_on", "assessed_by", "note")


class AssessmentSerializer(serializers.ModelSerializer):
    person_code = serializers.CharField(source="person.code", read_only=True)
    rating_label = serializers.CharField(source="get_rating_display", read_only=True)

    class Meta:
        model = AnnualAssessment
        fields = ["id", "person", "person_code", "year", *ASSESSMENT_FIELDS, "rating_label", "source"]


class RequirementSerializer(serializers.ModelSerializer):
    rule_set_code = serializers.CharField(source="rule_set.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Requirement
        fields = [
            "id", "code", "name", "rule_set", "rule_set_code", "legal_basis", "valid_from", "valid_to", "categories",
            "rank_tiers", "rank_code", "post_levels", "planned_levels", "planned_not_holding", "job_position",
            "unit_kinds", "unit_levels", "kind", "qualification_type", "min_level", "programme_code", "within_years",
            "hours",
        ]


class PersonRequirementSerializer(serializers.Serializer):
    """standards.engine.person_status: one requirement code the person is subject to on the date."""

    code = serializers.CharField()
    name = serializers.CharField()
    names = serializers.ListField(child=serializers.CharField())
    missing = serializers.BooleanField()
    evidence_id = serializers.IntegerField(allow_null=True, help_text="Văn bằng, chứng chỉ đáp ứng (qualifications).")


class PersonComplianceSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    date = serializers.DateField()
    requirements = PersonRequirementSerializer(many=True)


class RequirementCountSerializer(serializers.Serializer):
    """standards.engine.requirement_counts: one requirement code in the unit's subtree on the date."""

    code = serializers.CharField()
    applicable = serializers.IntegerField()
    met = serializers.IntegerField()
    missing = serializers.IntegerField()


class UnitComplianceSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_code = serializers.CharField()
    date = serializers.DateField()
    requirements = RequirementCountSerializer(many=True)


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "id", "code", "name", "category", "kind", "duration_tiet", "grants_type", "grants_level", "target_audience",
            "audience_categories", "audience_post_levels", "validity_years", "active",
        ]


class TrainingClassSerializer(serializers.ModelSerializer):
    program_code = serializers.CharField(source="program.code", read_only=True)
    provider_code = serializers.CharField(source="provider.code", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = TrainingClass
        fields = [
            "id", "code", "name", "program", "program_code", "provider", "provider_code", "provider_name", "form",
            "abroad", "country", "place", "capacity", "seats_taken", "min_size", "registration_opens",
            "registration_closes", "starts_on", "ends_on", "funding_source", "status", "min_attendance_pct",
            "pass_score", "results_submitted_at",
        ]


class EnrollmentSerializer(serializers.ModelSerializer):
    class_code = serializers.CharField(source="training_class.code", read_only=True)
    person_code = serializers.CharField(source="person.code", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id", "training_class", "class_code", "person", "person_code", "person_name", "source", "state",
            "reason", "requested_at", "decided_at", "completed_on",
        ]
        read_only_fields = fields


class EnrollmentCreateSerializer(VietnameseMessages, serializers.Serializer):
    """Register for a class. Without `person` (or with one's own person) a learner registers themself (source SELF,
    state REQUESTED); a unit officer nominates, a province manager assigns (the request is approved at once: ENROLLED,
    or WAITLISTED when the class is full) — services.request_enrollment / services.nominate_many."""

    training_class = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    person = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    confirm_warnings = serializers.BooleanField(
        required=False, default=False,
        help_text="Xác nhận các lưu ý về điều kiện dự học, trùng lớp, đối tượng (training.services.eligibility); "
                  "thiếu xác nhận thì yêu cầu bị từ chối (400) kèm danh sách lưu ý {code, text}.")


class ConfirmSerializer(VietnameseMessages, serializers.Serializer):
    confirm_warnings = serializers.BooleanField(
        required=False, default=False, help_text="Xác nhận các lưu ý về điều kiện dự học, trùng lớp, đối tượng.")


class ReasonSerializer(VietnameseMessages, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# `person` and `person_code` of a row that hangs on an enrolment (attendance, result, certificate). A comment, not a
# docstring: drf-spectacular would give it as the description of those serializers.
class EnrolledPersonFields(serializers.Serializer):
    person = serializers.IntegerField(source="enrollment.person_id", read_only=True)
    person_code = serializers.CharField(source="enrollment.person.code", read_only=True)


class AttendanceSerializer(EnrolledPersonFields, serializers.ModelSerializer):
    session_date = serializers.DateField(source="session.date", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "session_date", "enrollment", "person", "person_code", "status", "note"]


class ClassStatusSerializer(VietnameseMessages, serializers.Serializer):
    status = serializers.ChoiceField(choices=TrainingClass.Status.choices)


class AttendanceMarkSerializer(VietnameseMessages, serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    enrollment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(
        choices=Attendance.Status.choices, allow_blank=True, help_text="Để trống: xoá điểm danh của buổi này."
    )


class AttendanceInputSerializer(VietnameseMessages, serializers.Serializer):
    marks = AttendanceMarkSerializer(many=True, allow_empty=False, max_length=10000)


class AttendanceWrittenSerializer(serializers.Serializer):
    written = serializers.IntegerField()
    removed = serializers.IntegerField()


class ScoreInputSerializer(VietnameseMessages, serializers.Serializer):
    enrollment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    assessment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    value = serializers.CharField(
        allow_null=True, allow_blank=True, max_length=10,
        help_text="Điểm 0–10 (dấu phẩy hoặc dấu chấm thập phân: 8,5 hoặc 8.5); để trống hoặc null: xoá điểm.",
    )


class ScoresInputSerializer(VietnameseMessages, serializers.Serializer):
    scores = ScoreInputSerializer(many=True, allow_empty=False, max_length=10000)


class ScoresWrittenSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class SubmittedSerializer(serializers.Serializer):
    completed = serializers.IntegerField(help_text="Số học viên hoàn thành (vào dự thảo quyết định cấp chứng chỉ).")
    failed = serializers.IntegerField()


class IssuingDecisionInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="Số quyết định cấp chứng chỉ.")
    decided_on = serializers.DateField(help_text="Ngày quyết định (YYYY-MM-DD); chứng chỉ ghi ngày này.")
    signer_name = serializers.CharField(max_length=120)
    signer_position = serializers.CharField(max_length=120)
    authority = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class IssuedSerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    issued = serializers.ListField(child=serializers.CharField(), help_text="Số hiệu các chứng chỉ đã cấp.")


class ScoreSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment_id")
    name = serializers.CharField(source="assessment.name")
    value = serializers.DecimalField(max_digits=4, decimal_places=2)


class ResultSerializer(EnrolledPersonFields, serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Result
        fields = [
            "id", "enrollment", "person", "person_code", "version", "final_score", "grade", "attendance_pct",
            "completed", "submitted_at", "scores",
        ]


class CertificateSerializer(EnrolledPersonFields, serializers.ModelSerializer):
    training_class = serializers.IntegerField(source="enrollment.training_class_id", read_only=True)
    class_code = serializers.CharField(source="enrollment.training_class.code", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "kind", "issued_on", "year", "enrollment", "person", "person_code", "training_class",
            "class_code", "provider", "provider_name", "qualification", "revoked_at", "revoked_reason",
        ]


class ReportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    numeric = serializers.BooleanField()


class ReportInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    uses_year = serializers.BooleanField(help_text="Báo cáo theo năm (tham số year) thay vì theo ngày (date).")
    columns = ReportColumnSerializer(many=True)


class ReportResultSerializer(serializers.Serializer):
    report = serializers.CharField()
    unit = serializers.CharField(help_text="Mã đơn vị.")
    date = serializers.DateField()
    year = serializers.IntegerField(allow_null=True)
    columns = ReportColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text="Mỗi dòng một đối tượng, khoá là `key` của các cột (như cột CSV của lệnh `dtbd report`).",
    )



# -- fostering-history export (shape documented for the OpenAPI schema; built by dtbd.api.fostering and dtbd.training.fostering) --------------

class FosteringRecordSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["DEGREE", "FOSTERING", "BRIEFING", "QUALIFICATION"],
        help_text="Hình thức của lớp (DEGREE, FOSTERING, BRIEFING) hoặc QUALIFICATION: văn bằng, chứng chỉ ghi trong hồ sơ.",
    )
    qualification_type = serializers.CharField(allow_null=True, help_text="Loại văn bằng, chứng chỉ (LLCT, QPAN, QLNN…).")
    level = serializers.CharField(allow_null=True)
    level_label = serializers.CharField(allow_null=True)
    programme_code = serializers.CharField(allow_null=True)
    programme = serializers.CharField(allow_null=True, help_text="Tên chương trình (hoặc chuyên ngành của chứng chỉ).")
    class_code = serializers.CharField(allow_null=True)
    issuer = serializers.CharField(allow_null=True, help_text="Cơ sở đào tạo, bồi dưỡng / nơi cấp.")
    form = serializers.CharField(allow_null=True, help_text="IN_PERSON, ONLINE, BLENDED.")
    abroad = serializers.BooleanField(allow_null=True)
    country = serializers.CharField(allow_null=True, help_text="Mã quốc gia ISO 3166 (2 chữ) khi học ở nước ngoài.")
    from_date = serializers.DateField(allow_null=True)
    to_date = serializers.DateField(allow_null=True)
    tiet = serializers.IntegerField(allow_null=True, help_text="Số tiết (45 phút).")
    result = serializers.CharField(allow_null=True, help_text="Xếp loại kết quả hiện hành của lớp (XS, GIOI, KHA, TB).")
    certificate_no = serializers.CharField(allow_null=True)
    certificate_date = serializers.DateField(allow_null=True)
    funding_source = serializers.CharField(
        allow_null=True, help_text="Nguồn kinh phí của lớp (NSTW, NSTINH, DON_VI, CA_NHAN, TAI_TRO).")
    source = serializers.CharField(help_text="CLASS, IMPORTED, ENTERED, DECISION.")


class FosteringGroupSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=["LLCT", "QPAN", "QLNN", "CMNV"])
    label = serializers.CharField()
    total_tiet = serializers.IntegerField()
    records = FosteringRecordSerializer(many=True)


class FosteringPersonSerializer(serializers.Serializer):
    citizen_id = serializers.CharField(
        allow_null=True, help_text="Số định danh cá nhân (CCCD) — che với vai trò chỉ xem."
    )
    code = serializers.CharField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField()
    gender = serializers.CharField()


class FosteringHistorySerializer(serializers.Serializer):
    format = serializers.CharField(help_text="cbccvc-fostering/1")
    generated_on = serializers.DateField()
    person = FosteringPersonSerializer()
    groups = FosteringGroupSerializer(many=True)


# -- background jobs ----------------------------------------------------------------------------------------------


class FosteringExportRequestSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40, help_text="Mã đơn vị (gồm cả các đơn vị trực thuộc).")
    date = serializers.DateField(required=False, allow_null=True,
                                 help_text="Ngày xác định danh sách (YYYY-MM-DD); mặc định hôm nay.")
    format = serializers.ChoiceField(choices=["csv", "xlsx", "json"], default="csv")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["QUEUED", "RUNNING", "DONE", "FAILED"])
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    progress_message = serializers.CharField()
    percent = serializers.IntegerField()
    error = serializers.CharField()
    result_name = serializers.CharField()
    file = serializers.SerializerMethodField(help_text="Địa chỉ tải tệp kết quả khi công việc xong (DONE).")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_file(self, job) -> str | None:
        if job.status != "DONE" or not job.result_file:
            return None
        request = self.context.get("request")
        url = f"/api/v1/jobs/{job.pk}/file/"
        return request.build_absolute_uri(url) if request is not None else url
