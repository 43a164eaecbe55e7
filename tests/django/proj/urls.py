# The tests mount the viewsets they load from the examples on URL modules of their own.
urlpatterns = []
