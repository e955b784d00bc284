app_name = "effectiveness"

urlpatterns: list = []
