from django.core.management.base import BaseCommand

from dtbd.core.importing import ImportCommandMixin
from dtbd.people.importing import import_staff


class Command(ImportCommandMixin, BaseCommand):
    help = "Nhập cán bộ, công chức, viên chức từ tệp mẫu can-bo.xlsx (kiểm tra toàn bộ tệp; có lỗi thì không ghi gì)."
    importer = staticmethod(import_staff)
