from django.urls import path

from .views import cadres, teams

app_name = "teams"
urlpatterns = [
    # the cadre pool
    path("cadres/", cadres.cadre_list, name="cadre_list"),
    path("cadres/import/", cadres.CadreImportView.as_view(), name="cadre_import"),
    path("cadres/import/template/", cadres.CadreImportTemplateView.as_view(), name="cadre_import_template"),
    path("cadres/new/", cadres.CadreFormView.as_view(), name="cadre_create"),
    path("cadres/<int:pk>/", cadres.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", cadres.CadreFormView.as_view(), name="cadre_edit"),
    # teams of a round and their members
    path("rounds/<int:round_pk>/teams/new/", teams.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", teams.TeamEditView.as_view(), name="team_edit"),
    path("teams/<int:pk>/delete/", teams.TeamDeleteView.as_view(), name="team_delete"),
    path("teams/<int:pk>/members/add/", teams.TeamMemberAddView.as_view(), name="team_member_add"),
    path("members/<int:pk>/edit/", teams.TeamMemberEditView.as_view(), name="team_member_edit"),
    path("members/<int:pk>/remove/", teams.TeamMemberRemoveView.as_view(), name="team_member_remove"),
]
