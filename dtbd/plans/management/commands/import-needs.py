from django.core.management.base import BaseCommand

from dtbd.core.importing import ImportCommandMixin
from dtbd.plans.importing import import_needs


class Command(ImportCommandMixin, BaseCommand):
    help = "Nhập đề nghị đào tạo, bồi dưỡng của đơn vị từ tệp mẫu nhu-cau.xlsx (kiểm tra toàn bộ tệp; có lỗi thì không ghi gì)."
    importer = staticmethod(import_needs)
