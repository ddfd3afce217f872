//! Who may do what. A person holds one or more roles; the platform admin created at first start holds
//! `admin` and `support`.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Platform staff: manage organisations and their feature toggles; never see credentials.
    Support,
    /// An organisation's settings, credentials and users.
    Admin,
    /// An organisation's customers, contracts and invoices.
    User,
    /// Read-only transaction log, of one organisation or (without one) platform-wide.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Support, Role::Admin, Role::User, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Admin => "admin",
            Role::User => "user",
            Role::Auditor => "auditor",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Role::Support => 1,
            Role::Admin => 2,
            Role::User => 4,
            Role::Auditor => 8,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role \"{0}\": use support, admin, user or auditor")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "support" => Ok(Role::Support),
            "admin" => Ok(Role::Admin),
            "user" => Ok(Role::User),
            "auditor" => Ok(Role::Auditor),
            other => Err(UnknownRole(other.to_string())),
        }
    }
}

/// A set of roles, stored as a comma-separated list (`"admin,support"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleSet(u8);

impl RoleSet {
    pub fn of(roles: &[Role]) -> RoleSet {
        RoleSet(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }
    pub fn has(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }
    pub fn any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.has(*r))
    }
    /// Admins also do a user's work in their organisation.
    pub fn can_work_on_invoices(self) -> bool {
        self.any(&[Role::Admin, Role::User])
    }
}

impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Role::as_str).collect();
        f.write_str(&names.join(","))
    }
}

impl FromStr for RoleSet {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<RoleSet, UnknownRole> {
        let roles = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Role::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        if roles.is_empty() {
            return Err(UnknownRole(s.to_string()));
        }
        Ok(RoleSet::of(&roles))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets_round_trip_through_text() {
        let set: RoleSet = "support, admin".parse().unwrap();
        assert!(set.has(Role::Admin) && set.has(Role::Support) && !set.has(Role::User));
        assert_eq!(set.to_string(), "support,admin");
        assert_eq!(set.to_string().parse::<RoleSet>().unwrap(), set);
    }

    #[test]
    fn unknown_or_empty_roles_are_refused() {
        assert!("owner".parse::<RoleSet>().is_err());
        assert!("".parse::<RoleSet>().is_err());
    }
}
