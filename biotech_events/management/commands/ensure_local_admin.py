import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a local superuser with a generated password, printed once, unless a superuser "
        "already exists. Meant for the local demo started by `make run`, not for production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists; no account created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Created the local admin account (shown only this once; "
                "change it with `python manage.py changepassword admin`):\n"
                f"    username: {username}\n    password: {password}"
            )
        )
