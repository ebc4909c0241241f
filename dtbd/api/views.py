"""The /api/v1/ endpoints. Thin: every queryset comes from the same scope and permission functions as the web pages
(accounts.scope.scope_of, training.permissions), every write goes through the same services (training.services),
so the API can neither see nor do more than the web UI. Out-of-scope objects answer 404, refused actions 403."""
import datetime
import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dtbd.accounts.scope import NOTHING, scope_of
from dtbd.core.exportlog import Kind, log_export
from dtbd.core.http import client_ip
from dtbd.core.models import Job
from dtbd.org.models import Unit
from dtbd.people import services as people_services
from dtbd.people.models import AnnualAssessment, Person, Qualification
from dtbd.people.queries import present_columns
from dtbd.reports import national, renderers
from dtbd.reports.registry import all_reports, get_report
from dtbd.standards.engine import person_status, requirement_counts
from dtbd.standards.models import Requirement
from dtbd.training import services
from dtbd.training.filters import CertificateFilterSet, ClassFilterSet, ProgramFilterSet
from dtbd.training.models import Attendance, Certificate, Enrollment, Program, Result, Score
from dtbd.training.permissions import (
    can_run_class,
    can_self_register,
    classes_for,
    enrollments_for,
    is_manager,
    is_unit_officer,
)
from dtbd.training.services import certificates
from dtbd.training.services.nomination import check_nominator
from dtbd.training.services.results import record_attendance, save_draft_scores, submit

from . import filters
from . import serializers as s
from . import staff
from .fostering import fostering_history

ID_REGEX = r"[0-9]{1,18}"


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError (raised by the services) as a 400 with its messages, and the rate
    limit's 429 (with Retry-After) said in Vietnamese. Unconfirmed eligibility warnings (training.services.eligibility)
    are a 400 listing them as {code, text}, to be sent again with `confirm_warnings: true`."""
    if isinstance(exc, services.WarningsNotConfirmed):
        return Response({
            "detail": exc.heading(),
            "warnings": [w.as_dict() for w in exc.warnings],
            "confirm_warnings": [_("Không thể tự xác nhận các lưu ý này.") if isinstance(exc, services.SelfRegistrationRefused)
                                 else _("Gửi lại với confirm_warnings = true để xác nhận các lưu ý.")],
        }, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, Throttled):
        exc.detail = ErrorDetail(_("Vượt giới hạn số yêu cầu tới API: thử lại sau %(s)s giây.")
                                 % {"s": math.ceil(exc.wait or 1)}, code=exc.default_code)
    return drf_exception_handler(exc, context)


class HasScope(permissions.BasePermission):
    """Any user the web app lets see something (a scope): a user without one is refused everywhere."""

    message = _("Tài khoản của bạn chưa được phân quyền xem dữ liệu.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and scope_of(user) != NOTHING)


def _date_param(request, name="date"):
    raw = request.query_params.get(name)
    if not raw:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: _("Ngày “%(v)s” không hợp lệ (định dạng YYYY-MM-DD).") % {"v": raw}}) from None


DATE_PARAM = OpenApiParameter("date", OpenApiTypes.DATE, description="Ngày tính (YYYY-MM-DD); mặc định hôm nay.")


def audit_as(user):
    """Name `user` as the actor of this request's django-auditlog entries. Its middleware takes the actor from the
    session before DRF authenticates an API token (it would log token writes without an actor): once DRF knows the
    user, fill in the actor of the request's audit context."""
    from auditlog.context import auditlog_value

    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if context.get("actor") is None and user is not None and user.is_authenticated:
        context["actor"] = user


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, HasScope]
    lookup_value_regex = ID_REGEX

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        audit_as(request.user)


class UnitViewSet(ScopedViewSet):
    """Đơn vị trong phạm vi của người dùng (cây đơn vị)."""

    serializer_class = s.UnitSerializer
    filterset_class = filters.UnitFilter
    ordering_fields = ["path", "code", "name_folded", "id"]
    ordering = ["path", "id"]

    def get_queryset(self):
        return Unit.objects.restrict(self.request.user).select_related("parent")

    @extend_schema(parameters=[DATE_PARAM], responses=s.UnitComplianceSerializer)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def compliance(self, request, pk=None, format=None):
        """Rà soát tiêu chuẩn của đơn vị và các đơn vị trực thuộc: số người thuộc diện, đạt, thiếu theo từng tiêu chuẩn."""
        unit = self.get_object()
        date = _date_param(request)
        counts = requirement_counts(unit, date)
        data = {"unit": unit.pk, "unit_code": unit.code, "date": date,
                "requirements": [c.__dict__ for c in counts]}
        return Response(s.UnitComplianceSerializer(data).data)


class WriteMethods:
    """A scoped register that also takes writes (POST, PATCH, DELETE: no PUT): reads answer from the view scope,
    writes need the write scope (people.services / accounts.scope CHANGE, as the record pages): a read-only role
    gets 403, an object outside the scope 404."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    write_serializer_class = None  # the input (dtbd.api.staff); the answer is the read shape (serializer_class)

    def _require_write_scope(self):
        if not scope_of(self.request.user).can_write:
            raise PermissionDenied(_("Tài khoản của bạn chỉ có quyền xem, không được cập nhật hồ sơ cán bộ."))

    def _writable(self):
        """The object of the URL if the user may change it: 404 outside the view scope, 403 outside the write scope."""
        raise NotImplementedError

    def _answer(self, obj, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=code)

    def _write(self, instance, code):
        body = self.write_serializer_class(instance, data=self.request.data, partial=instance is not None,
                                           context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._answer(body.save(), code)

    def create(self, request, *args, **kwargs):
        self._require_write_scope()
        return self._write(None, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        return self._write(self._writable(), status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(request=staff.PersonWriteSerializer, responses={201: s.PersonSerializer}),
    partial_update=extend_schema(request=staff.PersonWriteSerializer, responses=s.PersonSerializer),
)
class PersonViewSet(WriteMethods, ScopedViewSet):
    """Cán bộ, công chức, viên chức trong phạm vi (đơn vị hiện tại và người đã nghỉ từ đơn vị). Thêm mới (POST),
    sửa (PATCH: đổi đơn vị, chức vụ… được ghi thành quá trình từ ngày áp dụng), thôi công tác (POST …/leave/):
    cán bộ quản lý cấp tỉnh, cán bộ tổ chức của đơn vị (trong phạm vi đơn vị mình)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = s.PersonSerializer
    write_serializer_class = staff.PersonWriteSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["name_sort", "name_folded", "code", "birth_date", "id"]  # name_folded: as before name_sort
    ordering = ["name_sort", "code"]

    def get_queryset(self):
        return Person.objects.restrict(self.request.user).select_related("ethnicity").annotate(**present_columns())

    def _writable(self):
        return staff.writable_person(self.request.user, self.get_object().pk)

    @extend_schema(request=staff.LeaveSerializer, responses=s.PersonSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def leave(self, request, pk=None, format=None):
        """Ghi nhận thôi công tác (nghỉ hưu, chuyển công tác, thôi việc…): mọi quá trình đang mở kết thúc ở ngày
        thôi công tác, không xoá gì (people.services.record_leave)."""
        person = self._writable()
        body = staff.LeaveSerializer(data=request.data, context={"person": person})
        body.is_valid(raise_exception=True)
        people_services.record_leave(person, body.validated_data["on_date"], body.validated_data["reason"])
        return self._answer(person)

    def list(self, request, *args, **kwargs):
        """Staff records carry personal data (citizen ID, phone, birth date): each page read is logged."""
        response = super().list(request, *args, **kwargs)
        _log_staff_read(request, _("Danh sách cán bộ (API)"), len(response.data.get("results", [])))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _log_staff_read(request, _("Hồ sơ cán bộ %(code)s (API)") % {"code": response.data["code"]}, 1)
        return response

    @extend_schema(parameters=[DATE_PARAM], responses=s.PersonComplianceSerializer)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def compliance(self, request, pk=None, format=None):
        """Các tiêu chuẩn người này thuộc diện áp dụng tại ngày tính, đã đạt hay còn thiếu (như trang hồ sơ; người đã
        thôi công tác: mặc định tại ngày thôi công tác)."""
        person = self.get_object()
        # As the record page: someone who left is reviewed on their leaving day unless a date is asked.
        date = _date_param(request) if request.query_params.get("date") else (person.left_on or datetime.date.today())
        data = {"person": person.pk, "date": date, "requirements": person_status(person, date)}
        return Response(s.PersonComplianceSerializer(data).data)

    @extend_schema(responses=s.FosteringHistorySerializer)
    @action(detail=True, url_path="fostering-history", pagination_class=None, filter_backends=[])
    def fostering_history(self, request, pk=None, format=None):
        """Quá trình bồi dưỡng của một người theo nhóm thông tin bồi dưỡng của Cơ sở dữ liệu quốc gia về CBCCVC
        (LLCT, QPAN, QLNN, CMNV): số định danh cá nhân và các bản ghi (loại, trình độ, chương trình, cơ sở, từ ngày,
        đến ngày, số tiết, số chứng chỉ, nguồn). Mỗi lần xuất được ghi lại là một lần xuất dữ liệu cá nhân."""
        person = self.get_object()
        document = fostering_history(person, show_citizen_id=s.shows_personal_ids(request.user, person))
        _log_personal_export(request, person, "fostering-history")
        return Response(document)


def _log_staff_read(request, description, rows):
    log_export(request.user, Kind.API, description, rows, request=request)


def _log_personal_export(request, person, what):
    """Every export of personal data is logged (who, what, when): dtbd.core.exportlog."""
    log_export(request.user, Kind.API, f"{what}: {person.full_name} ({person.code})", 1,
               filters={"person": person.code}, request=request)


@extend_schema_view(
    create=extend_schema(request=staff.QualificationWriteSerializer, responses={201: s.QualificationSerializer}),
    partial_update=extend_schema(request=staff.QualificationWriteSerializer, responses=s.QualificationSerializer),
)
class QualificationViewSet(WriteMethods, ScopedViewSet):
    """Văn bằng, chứng chỉ của những người trong phạm vi. Thêm (POST), sửa (PATCH), xoá (DELETE: văn bằng nhập nhầm;
    chứng chỉ do lớp học cấp thì thu hồi chứng chỉ): người được cập nhật hồ sơ của cán bộ."""

    serializer_class = s.QualificationSerializer
    write_serializer_class = staff.QualificationWriteSerializer
    filterset_class = filters.QualificationFilter
    ordering_fields = ["issued_on", "id", "person_id"]
    ordering = ["person_id", "type", "-level_order", "id"]

    def get_queryset(self):
        return Qualification.objects.restrict(self.request.user).select_related("person")

    def _writable(self):
        qualification = self.get_object()
        staff.writable_person(self.request.user, qualification.person_id)
        return qualification

    def destroy(self, request, *args, **kwargs):
        people_services.delete_qualification(self._writable())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    create=extend_schema(request=staff.AssessmentWriteSerializer, responses={201: s.AssessmentSerializer}),
    partial_update=extend_schema(request=staff.AssessmentWriteSerializer, responses=s.AssessmentSerializer),
)
class AssessmentViewSet(WriteMethods, ScopedViewSet):
    """Đánh giá, xếp loại chất lượng hằng năm của những người trong phạm vi (một kết quả mỗi người mỗi năm). Thêm
    (POST; năm đã có kết quả thì thay thế), sửa (PATCH): người được cập nhật hồ sơ của cán bộ."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = s.AssessmentSerializer
    write_serializer_class = staff.AssessmentWriteSerializer
    filterset_class = filters.AssessmentFilter
    ordering_fields = ["year", "id", "person_id"]
    ordering = ["person_id", "-year"]

    def get_queryset(self):
        return AnnualAssessment.objects.restrict(self.request.user).select_related("person")

    def _writable(self):
        assessment = self.get_object()
        staff.writable_person(self.request.user, assessment.person_id)
        return assessment


class RequirementViewSet(ScopedViewSet):
    """Danh mục tiêu chuẩn (mỗi mã có thể gồm nhiều dòng, có thời hạn hiệu lực)."""

    serializer_class = s.RequirementSerializer
    filterset_class = filters.RequirementFilter
    ordering_fields = ["code", "id"]
    ordering = ["code", "id"]

    def get_queryset(self):
        return Requirement.objects.select_related("rule_set")


class ProgramViewSet(ScopedViewSet):
    """Chương trình đào tạo, bồi dưỡng."""

    serializer_class = s.ProgramSerializer
    filterset_class = ProgramFilterSet
    ordering_fields = ["code", "category", "id"]
    ordering = ["category", "code"]

    def get_queryset(self):
        return Program.objects.all()


class TrainingClassViewSet(ScopedViewSet):
    """Lớp đào tạo, bồi dưỡng (mọi người dùng có phạm vi xem được danh sách lớp để đăng ký, cử học viên)."""

    serializer_class = s.TrainingClassSerializer
    filterset_class = ClassFilterSet
    ordering_fields = ["starts_on", "code", "id"]
    ordering = ["-starts_on", "code"]

    def get_queryset(self):
        return classes_for(self.request.user).select_related("program", "provider", "provider__unit")

    def _roster_filter(self, cls):
        """The class's full roster for those who run it (permissions.can_run_class); else only the enrolments the
        user may see (permissions.enrollments_for: a unit's own people, a learner's own)."""
        user = self.request.user
        if can_run_class(user, cls):
            return None
        return enrollments_for(user).filter(training_class=cls).values("pk")

    def _page(self, qs, serializer_class):
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(serializer_class(page, many=True, context=self.get_serializer_context()).data)

    def _class_to_run(self):
        cls = self.get_object()
        if not can_run_class(self.request.user, cls):
            raise PermissionDenied(_("Chỉ cơ sở tổ chức lớp và cán bộ quản lý được thay đổi lớp này."))
        return cls

    @extend_schema(request=s.ClassStatusSerializer, responses=s.TrainingClassSerializer)
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[], pagination_class=None)
    def change_status(self, request, pk=None, format=None):
        """Chuyển trạng thái lớp (như nút trên trang lớp: services.change_status kiểm tra bước chuyển)."""
        cls = self._class_to_run()
        body = s.ClassStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.change_status(cls, body.validated_data["status"], request.user)
        return Response(s.TrainingClassSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(methods=["GET"], responses=s.AttendanceSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=s.AttendanceInputSerializer, responses=s.AttendanceWrittenSerializer)
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def attendance(self, request, pk=None, format=None):
        """Điểm danh của lớp theo buổi học (GET); ghi điểm danh (POST, người tổ chức lớp, trước khi chốt kết quả:
        results.record_attendance)."""
        if request.method == "POST":
            cls = self._class_to_run()
            body = s.AttendanceInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            marks = {(m["session"], m["enrollment"]): m["status"] for m in body.validated_data["marks"]}
            written, removed = record_attendance(cls, marks, request.user)
            return Response({"written": written, "removed": removed})
        cls = self.get_object()
        qs = Attendance.objects.filter(session__training_class=cls).select_related("session", "enrollment__person")
        visible = self._roster_filter(cls)
        if visible is not None:
            qs = qs.filter(enrollment__in=visible)
        return self._page(qs.order_by("session__date", "session_id", "enrollment_id", "id"), s.AttendanceSerializer)

    @extend_schema(request=s.ScoresInputSerializer, responses=s.ScoresWrittenSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def scores(self, request, pk=None, format=None):
        """Ghi điểm nháp của các bài (người tổ chức lớp, trước khi chốt: results.save_draft_scores)."""
        cls = self._class_to_run()
        body = s.ScoresInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {(r["enrollment"], r["assessment"]): (r["value"] or None) for r in body.validated_data["scores"]}
        return Response({"changed": save_draft_scores(cls, values, request.user)})

    @extend_schema(request=None, responses=s.SubmittedSerializer)
    @action(detail=True, methods=["post"], url_path="submit-results", filter_backends=[], pagination_class=None)
    def submit_results(self, request, pk=None, format=None):
        """Chốt kết quả của lớp (như nút “Chốt kết quả”: results.submit — người hoàn thành vào dự thảo quyết định cấp chứng chỉ)."""
        cls = self._class_to_run()
        outcomes = submit(cls, request.user)
        done = sum(1 for o in outcomes if o.completed)
        return Response({"completed": done, "failed": len(outcomes) - done})

    @extend_schema(request=s.IssuingDecisionInputSerializer, responses=s.IssuedSerializer)
    @action(detail=True, methods=["post"], url_path="issue-certificates", filter_backends=[], pagination_class=None)
    def issue_certificates(self, request, pk=None, format=None):
        """Ban hành dự thảo quyết định cấp chứng chỉ của lớp (số, ngày, người ký) và cấp chứng chỉ cho những học viên
        đang chờ (như trang “Quyết định cấp chứng chỉ”: certificates.confirm_decision)."""
        cls = self._class_to_run()
        body = s.IssuingDecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = cls.issuing_decisions.filter(status="DRAFT").first()
        if draft is None:
            raise ValidationError({"detail": _("Lớp không có dự thảo quyết định cấp chứng chỉ nào đang chờ.")})
        data = body.validated_data
        issued = certificates.confirm_decision(draft, data["number"], data["decided_on"], data["signer_name"],
                                               data["signer_position"], data["authority"], user=request.user)
        return Response({"decision": draft.pk, "issued": [c.number for c in issued]})

    @extend_schema(responses=s.ResultSerializer(many=True), filters=False)
    @action(detail=True, filter_backends=[])
    def results(self, request, pk=None, format=None):
        """Kết quả học tập hiện hành (đã chốt) của lớp, kèm điểm từng bài."""
        cls = self.get_object()
        qs = (
            Result.objects.filter(enrollment__training_class=cls, is_current=True)
            .select_related("enrollment__person")
            .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("assessment").order_by("assessment__order", "assessment_id")))
        )
        visible = self._roster_filter(cls)
        if visible is not None:
            qs = qs.filter(enrollment__in=visible)
        return self._page(qs.order_by("enrollment__person__name_sort", "enrollment_id", "id"), s.ResultSerializer)


@extend_schema_view(create=extend_schema(request=s.EnrollmentCreateSerializer, responses={201: s.EnrollmentSerializer}))
class EnrollmentViewSet(ScopedViewSet, viewsets.mixins.CreateModelMixin):
    """Đăng ký học, cử học viên: danh sách trong phạm vi (permissions.enrollments_for); tạo, duyệt, từ chối, rút qua
    cùng các nghiệp vụ như giao diện web (training.services)."""

    serializer_class = s.EnrollmentSerializer
    filterset_class = filters.EnrollmentFilter
    ordering_fields = ["requested_at", "id"]
    ordering = ["requested_at", "id"]

    def get_queryset(self):
        return enrollments_for(self.request.user).select_related("person", "training_class")

    def _out(self, enrollment, code=status.HTTP_200_OK):
        enrollment = self.get_queryset().get(pk=enrollment.pk) if enrollment.pk else enrollment
        return Response(s.EnrollmentSerializer(enrollment, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.EnrollmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        cls = classes_for(user).select_related("program", "provider").filter(pk=data.validated_data["training_class"]).first()
        if cls is None:
            raise Http404(_("Không tìm thấy lớp."))
        person_id = data.validated_data.get("person")
        nominator = is_manager(user) or is_unit_officer(user)
        if person_id is None or (person_id == user.person_id and not nominator):
            if not can_self_register(user):
                raise PermissionDenied(_("Tài khoản của bạn chưa gắn với hồ sơ cán bộ nên không thể tự đăng ký học."))
            enrollment = services.request_enrollment(cls, user.person, Enrollment.Source.SELF, user,
                                                     confirm_warnings=data.validated_data["confirm_warnings"])
            return self._out(enrollment, status.HTTP_201_CREATED)
        check_nominator(user)
        person = Person.objects.restrict(user).filter(pk=person_id).first()
        if person is None:  # as GET /staff/<id>/: the same 404 whether they are outside the scope or nobody
            raise Http404(_("Không tìm thấy cán bộ trong phạm vi của bạn."))
        created, skipped = services.nominate_many(cls, [person], user=user,
                                                  confirm_warnings=data.validated_data["confirm_warnings"])
        if skipped:
            raise ValidationError({"person": [message for _p, message in skipped]})
        return self._out(created[0], status.HTTP_201_CREATED)

    @extend_schema(request=s.ConfirmSerializer, responses=s.EnrollmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def approve(self, request, pk=None, format=None):
        """Duyệt: xếp lớp nếu còn chỗ, nếu không vào danh sách chờ. Các lưu ý về điều kiện, trùng lớp phải được xác
        nhận (confirm_warnings)."""
        enrollment = self.get_object()
        body = s.ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # checks who may (check_decide), then the eligibility warnings
        services.approve(enrollment, request.user, confirm_warnings=body.validated_data["confirm_warnings"])
        return self._out(enrollment)

    @extend_schema(request=s.ReasonSerializer, responses=s.EnrollmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reject(self, request, pk=None, format=None):
        """Từ chối (cần lý do)."""
        enrollment = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        reason = body.validated_data["reason"] if body.is_valid() else ""
        services.reject(enrollment, request.user, reason)  # checks who may (check_decide), then the reason
        return self._out(enrollment)

    @extend_schema(request=s.ReasonSerializer, responses=s.EnrollmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def withdraw(self, request, pk=None, format=None):
        """Rút khỏi lớp: người duyệt, hoặc chính học viên (khi đăng ký chưa được xếp lớp)."""
        user = request.user
        enrollment = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.withdraw(enrollment, user, body.validated_data["reason"])  # checks who may (check_withdraw)
        return self._out(enrollment)


class CertificateViewSet(ScopedViewSet):
    """Chứng chỉ, giấy chứng nhận của các đăng ký học trong phạm vi."""

    serializer_class = s.CertificateSerializer
    filterset_class = CertificateFilterSet
    ordering_fields = ["issued_on", "number", "id"]
    ordering = ["-issued_on", "number"]

    def get_queryset(self):
        return Certificate.objects.restrict(self.request.user).select_related(
            "enrollment__person", "enrollment__training_class", "provider"
        )


REPORT_PARAMS = [
    OpenApiParameter("unit", OpenApiTypes.STR, required=True, description="Mã đơn vị (trong phạm vi của người dùng)."),
    OpenApiParameter("date", OpenApiTypes.DATE, description="Ngày báo cáo (YYYY-MM-DD); mặc định hôm nay."),
    OpenApiParameter("year", OpenApiTypes.INT, description="Năm (báo cáo theo năm); mặc định năm nay."),
]


class ReportViewSet(viewsets.ViewSet):
    """Báo cáo tổng hợp (cùng các báo cáo của lệnh `dtbd report` và trang /bao-cao/), trả về các dòng dạng JSON."""

    permission_classes = [permissions.IsAuthenticated, HasScope]
    lookup_field = "name"
    lookup_value_regex = r"[a-z0-9-]{1,60}"
    serializer_class = s.ReportInfoSerializer

    def _require_unit_scope(self):
        scope = scope_of(self.request.user)
        if not scope.sees_units:
            raise PermissionDenied(_("Bạn không có quyền xem báo cáo theo đơn vị."))

    @staticmethod
    def _info(report):
        return {
            "name": report.name, "title": str(report.title), "description": str(report.description),
            "uses_year": report.uses_year,
            "columns": [{"key": c.key, "label": str(c.label), "numeric": c.numeric} for c in report.columns],
        }

    @extend_schema(responses=s.ReportInfoSerializer(many=True))
    def list(self, request, format=None):
        self._require_unit_scope()
        return Response(s.ReportInfoSerializer([self._info(r) for r in all_reports()], many=True).data)

    @extend_schema(parameters=REPORT_PARAMS, responses=s.ReportResultSerializer)
    def retrieve(self, request, name=None, format=None):
        self._require_unit_scope()
        report = get_report(name)
        if report is None:
            raise Http404(_("Không có báo cáo này."))
        code = request.query_params.get("unit", "").strip()
        if not code:
            raise ValidationError({"unit": _("Cần chọn đơn vị (mã đơn vị).")})
        unit = get_object_or_404(Unit.objects.restrict(request.user), code=code)
        date = _date_param(request)
        year = date.year
        if request.query_params.get("year"):
            year = serializers.IntegerField(min_value=1900, max_value=2100).run_validation(request.query_params["year"])
        result = renderers.run(report, unit, date, year)
        keys = report.keys
        data = {
            "report": report.name, "unit": unit.code, "date": date, "year": year if report.uses_year else None,
            "columns": self._info(report)["columns"],
            "rows": [dict(zip(keys, _json_cells(row))) for row in result.rows],
        }
        return Response(data)


def _json_cells(row):
    return [str(v) if not isinstance(v, (int, float, str, type(None))) else v for v in row]


# -- background jobs: the fostering export of a unit for the national database, and the caller's own jobs ----------


class FosteringExportViewSet(viewsets.ViewSet):
    """Xuất quá trình bồi dưỡng của cả đơn vị (và các đơn vị trực thuộc) cho CSDL quốc gia về CBCCVC (Nghị định
    27/2026/NĐ-CP), chạy nền: POST trả về công việc (202); theo dõi ở /api/v1/jobs/{id}/, tải tệp ở
    /api/v1/jobs/{id}/file/ khi xong. Đơn vị phải trong phạm vi của người gọi."""

    permission_classes = [permissions.IsAuthenticated, HasScope]
    serializer_class = s.FosteringExportRequestSerializer

    @extend_schema(request=s.FosteringExportRequestSerializer, responses={202: s.JobSerializer})
    def create(self, request, format=None):
        audit_as(request.user)
        if not national.may_export(request.user):
            raise PermissionDenied(_("Bạn không có quyền xuất dữ liệu theo đơn vị."))
        data = s.FosteringExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = Unit.objects.restrict(request.user).filter(code=data.validated_data["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": _("Không tìm thấy đơn vị có mã này trong phạm vi của bạn.")})
        date = data.validated_data.get("date") or datetime.date.today()
        job = national.start(request.user, unit, date, data.validated_data["format"], ip=client_ip(request), via="api")
        job.refresh_from_db()
        return Response(s.JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Công việc chạy nền của chính người gọi (tiến độ, kết quả); công việc của người khác trả 404."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.JobSerializer
    lookup_value_regex = ID_REGEX

    queryset = Job.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Job.objects.none()
        return Job.objects.filter(created_by=self.request.user).defer("parameters").order_by("-created_at", "-pk")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, url_path="file", pagination_class=None, filter_backends=[])
    def file(self, request, pk=None, format=None):
        job = self.get_object()
        if job.status != Job.Status.DONE or not job.result_file:
            raise Http404(_("Công việc chưa có tệp kết quả."))
        try:
            handle = job.result_file.open("rb")
        except FileNotFoundError:
            raise Http404(_("Tệp kết quả không còn.")) from None
        return FileResponse(handle, as_attachment=True,
                            filename=job.result_name or job.result_file.name.rsplit("/", 1)[-1])
