from kesu.complaints import services
from kesu.complaints.models import ComplaintEvent
from tests.complaints.factories import register, to_follow_up


def test_complaint_walks_the_whole_loop_to_closed(handler):
    complaint = register(handler)
    assert complaint.number.startswith("TS-")
    assert complaint.assignee == handler
    to_follow_up(complaint, handler)
    services.follow_up_record(
        complaint_id=complaint.pk, actor=handler, channel="phone", reached=True, satisfaction=5, resolved=True
    )
    c = services.complaint_transition(complaint_id=complaint.pk, action="close", actor=handler)
    assert c.status == "closed"
    assert c.first_contact_resolution is True
    kinds = list(ComplaintEvent.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds.count("transition") == 5
