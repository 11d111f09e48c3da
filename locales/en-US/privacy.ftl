# /privacy delete-my-data: the right to erasure.

privacy-data-erased = { $reports ->
    [0] You have no reports on this server: there was nothing to erase.
    [one] Done: the report you made on this server no longer carries your name or your details. The case itself stays with the moderators, marked “reporter erased”.
   *[other] Done: the { $reports } reports you made on this server no longer carry your name or your details. The cases themselves stay with the moderators, marked “reporter erased”.
}
privacy-victim-kept = { $cases ->
    [one] In the case where you are the person being harassed, you remain named as such, so that moderators can keep protecting you.
   *[other] In the { $cases } cases where you are the person being harassed, you remain named as such, so that moderators can keep protecting you.
}
