"""The model's version, recorded in every journal.

Bumped whenever the same plan, scenario, seed and decisions can give a
different event log, so that a journal replayed under another version says
so instead of silently showing other results than the trainees saw.

1: behaviour integrated on a one-minute tick.
2: behaviour without a time step (straight-line moods, hazard budgets, posts one by one).
3: engine v2: member movements in the log; facilitator actions logged as such; a package
   signed on the signatory's arrival; alert steps and the plan policy woken by events
   instead of polls.
4: milestone semantics (issue 11): head counts count people who left unanswered; a
   milestone applies only to the incidents it is about, "on site" is the incident's own
   place, the cordon and medical post are one per place; a deadline is judged after
   everything else at its minute (a tie is met); "the same day" is the calendar day;
   untimed actions and undecided limits are logged (milestone_done, milestone_undecided).
5: a level's measures apply to the incidents still present when it is declared (a level
   reached by online heat after the groups left starts no on-site clock); a cordon takes
   the plan's ``cordon_setup_min`` to stand.
6: one cordon and one medical post per place: set up for one incident, it covers every
   incident there, now and later (logged ``covered_by``), with the members only once; the
   work left after an event re-plans what each callback touched before the next.
7: a limit done before its clock starts counts only if it still holds then (a reply to
   earlier incidents is no reply to those there now); a surge's shared reply reaches a
   group whose own draft is pending and answers those of it already received.
8: a surge's package solution, once signed for one group, is every group's (shared_from);
   a signed package counts as drafted.
"""

MODEL_VERSION = 8
