app_name = "roleplay"

urlpatterns: list = []
