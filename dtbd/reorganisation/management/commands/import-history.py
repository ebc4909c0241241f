from django.core.management.base import BaseCommand

from dtbd.core.importing import ImportCommandMixin
from dtbd.reorganisation.history_import import import_history


class Command(ImportCommandMixin, BaseCommand):
    help = ("Nhập quá trình đã qua có ngày (đơn vị, ngạch, chức vụ, văn bằng, bồi dưỡng đã hoàn thành) từ tệp mẫu "
            "lich-su.xlsx (kiểm tra toàn bộ tệp; có lỗi thì không ghi gì).")
    importer = staticmethod(import_history)
