from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    # the cadre pool
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.CadreFormView.as_view(), name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.CadreFormView.as_view(), name="cadre_edit"),
    # teams of a round and their members
    path("rounds/<int:round_pk>/teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path("teams/<int:pk>/delete/", views.TeamDeleteView.as_view(), name="team_delete"),
    path("teams/<int:pk>/members/add/", views.TeamMemberAddView.as_view(), name="team_member_add"),
    path("members/<int:pk>/edit/", views.TeamMemberEditView.as_view(), name="team_member_edit"),
    path("members/<int:pk>/remove/", views.TeamMemberRemoveView.as_view(), name="team_member_remove"),
]
