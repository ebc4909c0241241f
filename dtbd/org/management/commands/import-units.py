from django.core.management.base import BaseCommand

from dtbd.core.importing import ImportCommandMixin
from dtbd.org.importing import import_units


class Command(ImportCommandMixin, BaseCommand):
    help = "Nhập đơn vị từ tệp mẫu don-vi.xlsx (kiểm tra toàn bộ tệp; có lỗi thì không ghi gì)."
    importer = staticmethod(import_units)
