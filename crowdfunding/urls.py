from django.urls import path

from crowdfunding.views import community, manage, pledges, public, review

app_name = "crowdfunding"
urlpatterns = [
    path("", public.discover, name="discover"),
    path("pledges/", pledges.pledge_list, name="pledge_list"),
    path("pledges/<int:pk>/", pledges.pledge_change_page, name="pledge_change"),
    path("pledges/<int:pk>/cancel/", pledges.pledge_cancel_page, name="pledge_cancel"),
    path("pledges/<int:pk>/fix/", pledges.pledge_fix_page, name="pledge_fix"),
    path("mine/", manage.my_campaigns, name="my_campaigns"),
    path("new/", manage.campaign_create_page, name="campaign_create"),
    path("review/", review.review_queue_page, name="review_queue"),
    path("review/<int:pk>/", review.review_page, name="review"),
    path("tiers/<int:pk>/edit/", manage.tier_edit_page, name="tier_edit"),
    path("tiers/<int:pk>/delete/", manage.tier_delete_page, name="tier_delete"),
    path("<int:pk>/", public.campaign_detail, name="campaign_detail"),
    path("<int:pk>/pledge/", pledges.pledge_page, name="pledge"),
    path("<int:pk>/manage/", manage.campaign_manage_page, name="campaign_manage"),
    path("<int:pk>/backers.csv", manage.backers_csv, name="backers_csv"),
    path("<int:pk>/updates/", community.update_post_page, name="update_post"),
    path("<int:pk>/comments/", community.comment_post_page, name="comment_post"),
    path("comments/<int:pk>/report/", community.comment_report_page, name="comment_report"),
    path("comments/<int:pk>/moderate/", community.comment_moderate_page, name="comment_moderate"),
    path("moderation/", community.moderation_page, name="moderation"),
    path("<int:pk>/edit/", manage.campaign_edit_page, name="campaign_edit"),
    path("<int:pk>/submit/", manage.campaign_submit_page, name="campaign_submit"),
    path("<int:pk>/revise/", manage.campaign_revise_page, name="campaign_revise"),
    path("<int:pk>/withdraw/", manage.campaign_withdraw_page, name="campaign_withdraw"),
    path("<int:pk>/tiers/", manage.tier_create_page, name="tier_create"),
]
