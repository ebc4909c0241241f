"""The signed-in user's notices (thông báo): list, mark one read (then follow its link), mark all read. A user only
ever sees their own notices: another user's notice is a 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.core.lists import is_htmx_partial, render_list

from . import queries, reminders
from .services import unread_count

PAGE_SIZE = 30


@login_required
def notice_list(request):
    show = request.GET.get("hien", "")
    unread_only = show == "chua-doc"
    return render_list(
        request, queries.notices_of(request.user, unread_only), "notices/list.html", partial_template="notices/_list.html",
        target="notice-list", page_size=PAGE_SIZE, context={"unread_only": unread_only}, rows_name="notices",
    )


@login_required
@require_POST
def notice_read(request, pk):
    notice = queries.mark_read(queries.own_notice(request.user, pk))
    if is_htmx_partial(request):
        # htmx: answer the row, marked read, and update the badge out of band.
        return render(request, "notices/_read.html", {"n": notice, "unread_count": unread_count(request.user)})
    target = queries.safe_url(notice.url)
    if target and request.POST.get("follow", "1") != "0":
        return redirect(target)
    return redirect("notices:list")


@login_required
@require_POST
def notice_read_all(request):
    count = queries.mark_all_read(request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notices:list")


@login_required
def reminder_preferences(request):
    """The reminders the user may receive (every registered kind), with a switch for each optional one."""
    if request.method == "POST":
        reminders.save_preferences(request.user, request.POST.getlist("kind"))
        messages.success(request, _("Đã lưu lựa chọn nhắc việc."))
        return redirect("notices:reminders")
    return render(request, "notices/reminders.html", {"preferences": reminders.preferences(request.user)})
