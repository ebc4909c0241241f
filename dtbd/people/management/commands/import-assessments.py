from django.core.management.base import BaseCommand

from dtbd.core.importing import ImportCommandMixin
from dtbd.people.assessment_import import import_assessments


class Command(ImportCommandMixin, BaseCommand):
    help = ("Nhập kết quả đánh giá, xếp loại hằng năm từ tệp mẫu danh-gia.xlsx (kiểm tra toàn bộ tệp; có lỗi thì "
            "không ghi gì).")
    importer = staticmethod(import_assessments)
