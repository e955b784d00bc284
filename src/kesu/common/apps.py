from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "kesu.common"
    label = "common"
    verbose_name = "Common"
