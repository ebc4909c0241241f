"""Validation messages of the API inputs in Vietnamese. DRF's Vietnamese catalogue leaves many of its field messages
in English ("… is not a valid choice.", "Ensure this value is less than …"): the input serializers use
VietnameseMessages, which puts these instead of DRF's defaults (messages a field sets itself are kept)."""
from django.core import validators
from django.utils.translation import gettext_lazy as _
from rest_framework import relations, serializers
from rest_framework.utils.formatting import lazy_format

# The most specific class first: ListField's max_length counts items, CharField's characters.
MESSAGES = [
    (serializers.ListField, {
        "not_a_list": _("Cần một danh sách giá trị, nhận được kiểu “{input_type}”."),
        "min_length": _("Cần ít nhất {min_length} phần tử."),
        "max_length": _("Tối đa {max_length} phần tử."),
    }),
    (serializers.ListSerializer, {
        "not_a_list": _("Cần một danh sách giá trị, nhận được kiểu “{input_type}”."),
        "min_length": _("Cần ít nhất {min_length} phần tử."),
        "max_length": _("Tối đa {max_length} phần tử."),
    }),
    (serializers.ChoiceField, {"invalid_choice": _("“{input}” không phải là một giá trị được chọn.")}),
    (serializers.CharField, {
        "invalid": _("Cần một chuỗi ký tự."),
        "max_length": _("Tối đa {max_length} ký tự."),
        "min_length": _("Cần ít nhất {min_length} ký tự."),
    }),
    (serializers.IntegerField, {
        "invalid": _("Cần một số nguyên."),
        "max_value": _("Giá trị phải nhỏ hơn hoặc bằng {max_value}."),
        "min_value": _("Giá trị phải lớn hơn hoặc bằng {min_value}."),
        "max_string_length": _("Số quá dài."),
    }),
    (serializers.DateField, {"datetime": _("Cần một ngày (YYYY-MM-DD), không kèm giờ.")}),
    (serializers.BooleanField, {"invalid": _("Cần giá trị đúng hoặc sai (true/false).")}),
    (relations.SlugRelatedField, {
        "does_not_exist": _("“{value}” không có trong danh mục."),
        "invalid": _("Giá trị không hợp lệ."),
    }),
    (serializers.Serializer, {"invalid": _("Dữ liệu không hợp lệ: cần một đối tượng JSON, nhận được {datatype}.")}),
    (serializers.Field, {"null": _("Trường này không được để trống.")}),
]


def _defaults(field):
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


LIMIT_NAMES = {
    validators.MaxLengthValidator: "max_length", validators.MinLengthValidator: "min_length",
    validators.MaxValueValidator: "max_value", validators.MinValueValidator: "min_value",
}


def _translate_validators(field, default, text):
    """The length and range limits are validators made with the message already bound (DRF's lazy_format)."""
    for validator in field.validators:
        name = LIMIT_NAMES.get(type(validator))
        if name and getattr(validator.message, "format_string", None) is default:
            validator.message = lazy_format(text, **{name: validator.limit_value})


def translate(field):
    """Put the Vietnamese messages on `field` (and the items of a list) where it has DRF's default ones."""
    defaults = _defaults(field)
    for cls, messages in MESSAGES:
        if isinstance(field, cls):
            for key, text in messages.items():
                if key in field.error_messages and field.error_messages[key] is defaults.get(key):
                    field.error_messages[key] = text
                    _translate_validators(field, defaults[key], text)
    child = getattr(field, "child", None)
    if child is not None:
        translate(child)
    return field


# Mixin of the input serializers: their fields (and the serializer itself) answer in Vietnamese. A comment, not a
# docstring: drf-spectacular would give it as the description of the serializers without one.
class VietnameseMessages:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translate(self)

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            translate(field)
        return fields
