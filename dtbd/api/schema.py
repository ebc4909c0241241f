"""drf-spectacular: describe the token authentication in the OpenAPI schema (a bearer security scheme) and the rate
limit's 429 answer."""
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dtbd.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Khoá API tạo tại /api/tokens/ hoặc bằng lệnh `dtbd api-token create`.",
        }


THROTTLED = {
    "description": (
        "Vượt giới hạn số yêu cầu (theo khoá API / người dùng; theo địa chỉ IP khi chưa đăng nhập): chờ số giây trong "
        "Retry-After rồi gửi lại. Giới hạn đặt bằng biến môi trường DTBD_API_RATE (mặc định 600/min) và "
        "DTBD_API_ANON_RATE (mặc định 60/min)."
    ),
    "headers": {
        "Retry-After": {"schema": {"type": "integer"}, "description": "Số giây cần chờ trước khi gửi lại."},
    },
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
        },
    },
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the 429 answer of the rate limit (dtbd.api.throttling) on every throttled
    operation."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction == "response" and self.view.get_throttles():
            bodies.setdefault("429", THROTTLED)
        return bodies
