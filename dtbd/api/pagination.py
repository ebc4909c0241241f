"""Page-number pagination: ?page=N&page_size=M, page size capped so no request reads a whole table."""
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
