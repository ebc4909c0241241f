"""Writes of the staff register through /api/v1/: a staff member (identity and present placement), their leaving, and
their diplomas and certificates. The rules are those of the record pages, from dtbd.people.services (the forms call
the same functions): field rules (clean_identity_field), rules across fields (person_errors, qualification_errors,
leave_error), the units one may place staff in (placement_units); saving goes through save_person,
save_qualification, record_leave and delete_qualification, so history and django-auditlog are the web's."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.validators import UniqueValidator

from dtbd.accounts.scope import CHANGE
from dtbd.org.models import Unit
from dtbd.people import assessments
from dtbd.people import services as people
from dtbd.people.catalog import LEVELS, Category, LeaveReason, PostLevel
from dtbd.people.models import AnnualAssessment, Ethnicity, Person, Qualification, Rank, Rating

from .messages import VietnameseMessages
from .serializers import ASSESSMENT_FIELDS, QUALIFICATION_FIELDS

MAX_ID = 2**63 - 1

# The placement as the API names it: the read shape's names (unit, category, rank_code, post_title, post_level) and
# the fields only written (job_position, planned_levels); `rank_code` is people.services' `rank`.
PLACEMENT_INPUT = ("unit", "category", "rank_code", "post_title", "post_level", "job_position", "planned_levels")


def writable_person(user, pk):
    """The person `pk` if `user` may change their record: NotFound (404, as reading them: the same answer whether
    the person exists or not) outside the user's view scope, PermissionDenied (403) when seen but not writable."""
    person = Person.objects.restrict(user, CHANGE).filter(pk=pk).first()
    if person is None:
        if not Person.objects.restrict(user).filter(pk=pk).exists():
            raise exceptions.NotFound(_("Không tìm thấy cán bộ trong phạm vi của bạn."))
        raise exceptions.PermissionDenied(_("Cán bộ này không thuộc phạm vi bạn được cập nhật."))
    return person


@extend_schema_field({"type": "string", "enum": PostLevel.values, "description": "Cấp chức vụ quy hoạch."})
class PlannedLevelField(serializers.ChoiceField):
    """A post level in the list of planned posts (described inline: one enum component, PostLevelEnum, per set)."""

    def __init__(self, **kwargs):
        super().__init__(choices=PostLevel.choices, **kwargs)


def _identity_rule(name):
    """validate_<name> of an identity field: services.clean_identity_field, the record page's rule."""

    def validate(self, value):
        return people.clean_identity_field(name, value)

    return validate


class PersonWriteSerializer(VietnameseMessages, serializers.ModelSerializer):
    """A staff member created (POST: identity, unit and category required) or changed (PATCH: only the fields sent).
    A change of the placement (unit, category, rank_code, post, job_position, planned_levels) is recorded as history
    from `effective_from`: the open record ends the day before (required for an existing person, as on the record
    page). A unit outside the user's view scope is not found (404), one seen but not writable refused (403)."""

    code = serializers.CharField(max_length=30, validators=[
        UniqueValidator(Person.objects.all(), message=gettext_lazy("Mã cán bộ này đã có trong hệ thống."))
    ])
    ethnicity = serializers.SlugRelatedField(
        slug_field="name", queryset=Ethnicity.objects.all(), help_text="Tên dân tộc trong danh mục (Kinh, Tày…).",
        error_messages={"does_not_exist": gettext_lazy("Dân tộc “{value}” không có trong danh mục.")},
    )
    citizen_id = serializers.CharField(
        max_length=12, required=False, allow_null=True, allow_blank=True,
        validators=[UniqueValidator(Person.objects.all(), message=gettext_lazy(
            "Số CCCD này đã có trong hệ thống (hồ sơ của một cán bộ khác)."))],
    )
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id đơn vị công tác (trong phạm vi).")
    category = serializers.ChoiceField(choices=Category.choices)
    rank_code = serializers.SlugRelatedField(
        source="rank", slug_field="code", queryset=Rank.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": gettext_lazy(
            "Mã ngạch “{value}” không có trong danh mục ngạch, chức danh nghề nghiệp.")},
    )
    post_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    post_level = serializers.ChoiceField(choices=PostLevel.choices, required=False, allow_blank=True)
    job_position = serializers.CharField(max_length=255, required=False, allow_blank=True)
    planned_levels = serializers.ListField(child=PlannedLevelField(), required=False,
                                           max_length=len(PostLevel.choices))
    effective_from = serializers.DateField(
        required=False, allow_null=True,
        help_text="Ngày áp dụng của đơn vị, loại, ngạch, chức vụ… mới (YYYY-MM-DD); quá trình cũ kết thúc ngày hôm trước.",
    )

    class Meta:
        model = Person
        fields = [*people.IDENTITY_FIELDS, *PLACEMENT_INPUT, "effective_from"]

    validate_code = _identity_rule("code")
    validate_full_name = _identity_rule("full_name")
    validate_birth_date = _identity_rule("birth_date")
    validate_citizen_id = _identity_rule("citizen_id")
    validate_phone = _identity_rule("phone")
    validate_email = _identity_rule("email")
    validate_post_title = _identity_rule("post_title")
    validate_job_position = _identity_rule("job_position")

    def validate_unit(self, value):
        unit = people.placement_units(self.context["request"].user).filter(pk=value).first()
        if unit is None:
            if Unit.objects.restrict(self.context["request"].user, CHANGE).filter(pk=value).exists():
                raise serializers.ValidationError(_("Đơn vị đã giải thể."))
            if not Unit.objects.restrict(self.context["request"].user).filter(pk=value).exists():
                # as GET /units/<id>/: the same 404 whether the unit is outside the scope or does not exist
                raise exceptions.NotFound(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
            raise exceptions.PermissionDenied(_("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật."))
        return unit

    def validate_planned_levels(self, value):
        return sorted(set(value))

    def validate(self, attrs):
        person = self.instance
        current = people.current_placement(person) if person else {}
        placement = {**current, **{k: attrs[k] for k in people.PLACEMENT_FIELDS if k in attrs}}
        compared = {**placement, "unit": getattr(placement.get("unit"), "pk", placement.get("unit"))}
        self.placement_changed = person is None or compared != current
        if isinstance(placement.get("unit"), int):  # the present unit (current_placement gives its id)
            placement["unit"] = Unit.objects.get(pk=placement["unit"])
        self.placement = placement
        values = {f: getattr(person, f) for f in (*people.IDENTITY_FIELDS, "left_on")} if person else {}
        values.update(attrs)
        values.setdefault("unit", placement.get("unit"))
        errors = people.person_errors(values, is_new=person is None, placement_changed=self.placement_changed)
        if self.placement_changed:  # a person without an open unit or category record gets one only with the change
            for name in ("unit", "category"):
                if not placement.get(name) and name not in errors:
                    errors[name] = _("Trường này là bắt buộc khi thay đổi đơn vị, loại, ngạch, chức vụ.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _save(self, person, data):
        for name in people.IDENTITY_FIELDS:
            if name in data:
                setattr(person, name, data[name])
        placement = self.placement if self.placement_changed else {}
        return people.save_person(person, on_date=data.get("effective_from"), **placement)

    def create(self, validated_data):
        return self._save(Person(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class LeaveSerializer(VietnameseMessages, serializers.Serializer):
    """A staff member leaves (services.record_leave): every open record ends on `on_date`; nothing is deleted."""

    on_date = serializers.DateField(help_text="Ngày cuối cùng cán bộ công tác (YYYY-MM-DD).")
    reason = serializers.ChoiceField(choices=LeaveReason.choices)

    def validate(self, attrs):
        error = people.leave_error(self.context["person"], attrs["on_date"])
        if error:
            raise serializers.ValidationError({"on_date": error})
        return attrs


LEVEL_CODES = sorted({code for levels in LEVELS.values() for code in levels})


class QualificationWriteSerializer(VietnameseMessages, serializers.ModelSerializer):
    """A diploma or certificate of a person (POST with `person`; PATCH without). Entered by hand (source ENTERED)."""

    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id cán bộ (trong phạm vi cập nhật).")
    level = serializers.ChoiceField(choices=LEVEL_CODES, help_text="Mã trình độ của loại (catalog.LEVELS).")
    hours = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)

    class Meta:
        model = Qualification
        fields = ["person", *QUALIFICATION_FIELDS]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["person"].read_only = True  # a qualification stays with its person
        return fields

    def validate_person(self, value):
        return writable_person(self.context["request"].user, value)

    def validate(self, attrs):
        current = self.instance
        person = attrs.get("person") or current.person

        def value(name):
            return attrs[name] if name in attrs else getattr(current, name, None)

        qtype, level = value("type"), value("level")
        errors = {}
        if qtype and level not in LEVELS.get(qtype, {}):
            errors["level"] = _("Trình độ “%(level)s” không thuộc loại %(type)s.") % {"level": level, "type": qtype}
        errors.update(people.qualification_errors(
            person, qtype=qtype, language=value("language"), issued_on=value("issued_on"),
            valid_until=value("valid_until"),
        ))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        return people.save_qualification(Qualification(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return people.save_qualification(instance)


class AssessmentWriteSerializer(VietnameseMessages, serializers.ModelSerializer):
    """An annual rating (docs/domain.md §14.1): POST with `person` and `year` (a year already rated for the person is
    replaced: one rating per person and year); PATCH without them. Saved by people.assessments.record_assessments,
    as the web grid."""

    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id cán bộ (trong phạm vi cập nhật).")
    year = serializers.IntegerField(min_value=0, max_value=9999, help_text="Năm được đánh giá.")
    rating = serializers.ChoiceField(choices=Rating.choices)

    class Meta:
        model = AnnualAssessment
        fields = ["person", "year", *ASSESSMENT_FIELDS]
        validators = []  # one rating per person and year: a second POST replaces it (record_assessments)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["person"].read_only = True  # a rating stays with its person and year
            fields["year"].read_only = True
        return fields

    def validate_person(self, value):
        return writable_person(self.context["request"].user, value)

    def validate(self, attrs):
        current = self.instance
        year = attrs["year"] if "year" in attrs else current.year
        errors = {}
        if error := assessments.year_error(year):
            errors["year"] = error
        assessed_on = attrs["assessed_on"] if "assessed_on" in attrs else getattr(current, "assessed_on", None)
        if not errors and (error := assessments.date_error(year, assessed_on)):
            errors["assessed_on"] = error
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _record(self, person, year, values):
        _outcome, saved = assessments.record_assessments(
            self.context["request"].user, year, [{"person": person.pk, **values}])
        return saved[person.pk]

    def create(self, validated_data):
        person, year = validated_data.pop("person"), validated_data.pop("year")
        values = {"assessed_on": None, "note": "", "assessed_by": "", **validated_data}
        return self._record(person, year, values)

    def update(self, instance, validated_data):
        values = {f: getattr(instance, f) for f in ASSESSMENT_FIELDS}
        values.update(validated_data)
        return self._record(instance.person, instance.year, values)
