//! Who may do what (SPEC §1, §5): decided from what Discord says about the member acting,
//! never from a command's default permissions alone (admins can change those per server).

/// Discord permission bits this module reads.
pub mod bits {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const MODERATE_MEMBERS: u64 = 1 << 40;
}

/// The member acting, as the interaction describes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// The member's permissions in the channel, computed by Discord.
    pub permissions: u64,
    pub role_ids: Vec<i64>,
    pub is_owner: bool,
}

impl Actor {
    fn has(&self, bit: u64) -> bool {
        self.permissions & (bit | bits::ADMINISTRATOR) != 0
    }

    /// Admins configure the bot: Manage Server, Administrator, or the owner.
    pub fn is_admin(&self) -> bool {
        self.is_owner || self.has(bits::MANAGE_GUILD)
    }

    /// Moderators review cases: Moderate Members, the server's moderator role, or an admin.
    pub fn is_moderator(&self, moderator_role: Option<i64>) -> bool {
        self.is_admin()
            || self.has(bits::MODERATE_MEMBERS)
            || moderator_role.is_some_and(|role| self.role_ids.contains(&role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(permissions: u64, role_ids: &[i64]) -> Actor {
        Actor {
            permissions,
            role_ids: role_ids.to_vec(),
            is_owner: false,
        }
    }

    #[test]
    fn plain_members_are_neither() {
        let plain = member(0, &[7]);
        assert!(!plain.is_admin());
        assert!(!plain.is_moderator(None));
        assert!(!plain.is_moderator(Some(8)));
    }

    #[test]
    fn the_moderator_role_or_moderate_members_make_a_moderator() {
        assert!(member(0, &[8]).is_moderator(Some(8)));
        assert!(member(bits::MODERATE_MEMBERS, &[]).is_moderator(None));
        assert!(!member(bits::MODERATE_MEMBERS, &[]).is_admin());
    }

    #[test]
    fn administrators_and_owners_are_both() {
        for admin in [
            member(bits::ADMINISTRATOR, &[]),
            member(bits::MANAGE_GUILD, &[]),
            Actor {
                is_owner: true,
                ..Actor::default()
            },
        ] {
            assert!(admin.is_admin());
            assert!(admin.is_moderator(None));
        }
    }
}
