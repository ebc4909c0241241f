"""drf-spectacular: describe the token authentication in the OpenAPI schema (a bearer security scheme)."""
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
