//! The attribute definitions of the resources this server speaks (RFC 7643
//! §4.1 core User, §4.3 Enterprise User, §4.2 Group), as one table each.
//!
//! Everything schema-aware reads these tables: validation of bodies,
//! case-insensitive canonical attribute names, filter type checks, PATCH
//! targets, `attributes` projection and the `/Schemas` discovery document.
//! One table, so the document we advertise is the one we enforce.

/// RFC 7643 attribute data types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Reference,
    Binary,
    Complex,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::Decimal => "decimal",
            Self::Integer => "integer",
            Self::DateTime => "dateTime",
            Self::Reference => "reference",
            Self::Binary => "binary",
            Self::Complex => "complex",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::String,
            Self::Boolean,
            Self::Decimal,
            Self::Integer,
            Self::DateTime,
            Self::Reference,
            Self::Binary,
            Self::Complex,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// Kinds whose values are JSON strings.
    pub fn is_textual(self) -> bool {
        matches!(
            self,
            Self::String | Self::DateTime | Self::Reference | Self::Binary
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

/// One attribute (or sub-attribute) definition.
#[derive(Debug)]
pub struct Attr {
    pub name: &'static str,
    pub kind: Kind,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    /// `uniqueness: server` (userName, Group displayName).
    pub unique: bool,
    pub sub: &'static [Attr],
    pub description: &'static str,
    pub reference_types: &'static [&'static str],
}

impl Attr {
    const fn new(name: &'static str, kind: Kind, description: &'static str) -> Self {
        Self {
            name,
            kind,
            multi: false,
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            unique: false,
            sub: &[],
            description,
            reference_types: &[],
        }
    }
    const fn multi(mut self) -> Self {
        self.multi = true;
        self
    }
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    const fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    const fn read_only(mut self) -> Self {
        self.mutability = Mutability::ReadOnly;
        self
    }
    const fn immutable(mut self) -> Self {
        self.mutability = Mutability::Immutable;
        self
    }
    const fn write_only(mut self) -> Self {
        self.mutability = Mutability::WriteOnly;
        self.returned = Returned::Never;
        self
    }
    const fn always(mut self) -> Self {
        self.returned = Returned::Always;
        self
    }
    const fn sub(mut self, sub: &'static [Attr]) -> Self {
        self.sub = sub;
        self
    }
    const fn refs(mut self, types: &'static [&'static str]) -> Self {
        self.reference_types = types;
        self
    }

    /// A sub-attribute by name, ignoring case.
    pub fn sub_attr(&self, name: &str) -> Option<&'static Attr> {
        find(self.sub, name)
    }

    pub fn is_complex(&self) -> bool {
        self.kind == Kind::Complex
    }
}

const fn s(name: &'static str, description: &'static str) -> Attr {
    Attr::new(name, Kind::String, description)
}

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Attributes every resource has (RFC 7643 §3.1); not listed in `/Schemas`.
pub static COMMON: &[Attr] = &[
    s(
        "id",
        "Unique, stable, opaque identifier issued by the service provider.",
    )
    .exact()
    .read_only()
    .always(),
    s(
        "externalId",
        "Identifier issued by the provisioning client.",
    )
    .exact(),
    Attr::new("meta", Kind::Complex, "Resource metadata.")
        .read_only()
        .sub(&[
            s("resourceType", "The resource type.").exact().read_only(),
            Attr::new("created", Kind::DateTime, "When the resource was added.").read_only(),
            Attr::new(
                "lastModified",
                Kind::DateTime,
                "When the resource was last changed.",
            )
            .read_only(),
            Attr::new("location", Kind::Reference, "The resource's URI.")
                .exact()
                .read_only()
                .refs(&["uri"]),
            s("version", "The resource's version (weak ETag).")
                .exact()
                .read_only(),
        ]),
];

/// value / display / type / primary: the usual multi-valued element.
const fn plural(name: &'static str, description: &'static str, sub: &'static [Attr]) -> Attr {
    Attr::new(name, Kind::Complex, description).multi().sub(sub)
}

static PLURAL_STRING: &[Attr] = &[
    s("value", "The value."),
    s("display", "A human-readable name."),
    s("type", "A label: work, home, other, ..."),
    Attr::new(
        "primary",
        Kind::Boolean,
        "The preferred value (at most one).",
    ),
];

static GROUP_REF: &[Attr] = &[
    s("value", "The group's id.").read_only(),
    Attr::new("$ref", Kind::Reference, "The group's URI.")
        .read_only()
        .refs(&["User", "Group"]),
    s("display", "The group's displayName.").read_only(),
    s("type", "direct or indirect.").read_only(),
];

pub static USER: &[Attr] = &[
    s(
        "userName",
        "Unique identifier for the user, used to sign in.",
    )
    .required()
    .unique(),
    Attr::new("name", Kind::Complex, "The components of the user's name.").sub(&[
        s("formatted", "The full name, formatted for display."),
        s("familyName", "Family name (last name)."),
        s("givenName", "Given name (first name)."),
        s("middleName", "Middle name(s)."),
        s("honorificPrefix", "Honorific prefix (title)."),
        s("honorificSuffix", "Honorific suffix."),
    ]),
    s("displayName", "The name displayed to end users."),
    s("nickName", "The casual way to address the user."),
    Attr::new(
        "profileUrl",
        Kind::Reference,
        "A URI of the user's online profile.",
    )
    .refs(&["external"]),
    s("title", "The user's title, e.g. Vice President."),
    s(
        "userType",
        "Relationship to the organization, e.g. Employee.",
    ),
    s(
        "preferredLanguage",
        "Preferred language (RFC 7231 Accept-Language).",
    ),
    s("locale", "Default location, e.g. en-US."),
    s("timezone", "Time zone (IANA), e.g. Europe/Paris."),
    Attr::new("active", Kind::Boolean, "The user's administrative status."),
    s("password", "The user's cleartext password (write-only).")
        .exact()
        .write_only(),
    plural("emails", "Email addresses.", PLURAL_STRING),
    plural("phoneNumbers", "Phone numbers.", PLURAL_STRING),
    plural("ims", "Instant messaging addresses.", PLURAL_STRING),
    plural("photos", "URLs of photos.", PLURAL_STRING),
    plural(
        "addresses",
        "Physical mailing addresses.",
        &[
            s("formatted", "The full address."),
            s("streetAddress", "Street address."),
            s("locality", "City or locality."),
            s("region", "State or region."),
            s("postalCode", "Zip or postal code."),
            s("country", "Country (ISO 3166-1 alpha-2)."),
            s("type", "work, home or other."),
            Attr::new("primary", Kind::Boolean, "The preferred address."),
        ],
    ),
    plural(
        "groups",
        "Groups the user belongs to (read-only; set through /Groups).",
        GROUP_REF,
    )
    .read_only(),
    plural("entitlements", "Entitlements.", PLURAL_STRING),
    plural("roles", "Roles.", PLURAL_STRING),
    plural("x509Certificates", "X.509 certificates.", PLURAL_STRING),
];

pub static ENTERPRISE: &[Attr] = &[
    s(
        "employeeNumber",
        "Numeric or alphanumeric identifier assigned by the organization.",
    ),
    s("costCenter", "Cost center."),
    s("organization", "Organization."),
    s("division", "Division."),
    s("department", "Department."),
    Attr::new("manager", Kind::Complex, "The user's manager.").sub(&[
        s("value", "The manager's id."),
        Attr::new("$ref", Kind::Reference, "The manager's URI.").refs(&["User"]),
        s("displayName", "The manager's displayName.").read_only(),
    ]),
];

pub static GROUP: &[Attr] = &[
    s("displayName", "A human-readable name for the group.")
        .required()
        .unique(),
    plural(
        "members",
        "The group's members.",
        &[
            s("value", "The member's id.").immutable(),
            Attr::new("$ref", Kind::Reference, "The member's URI.")
                .immutable()
                .refs(&["User", "Group"]),
            s("display", "The member's display name.").read_only(),
            s("type", "User or Group.").immutable(),
        ],
    ),
];

/// Finds an attribute by name, ignoring case (RFC 7643 §2.1).
pub fn find(attrs: &'static [Attr], name: &str) -> Option<&'static Attr> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The two resource types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    User,
    Group,
}

impl ResourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("User") {
            Some(Self::User)
        } else if s.eq_ignore_ascii_case("Group") {
            Some(Self::Group)
        } else {
            None
        }
    }

    /// The endpoint, `/Users` or `/Groups`.
    pub fn endpoint(self) -> &'static str {
        match self {
            Self::User => "/Users",
            Self::Group => "/Groups",
        }
    }

    pub fn core_schema(self) -> &'static str {
        match self {
            Self::User => USER_SCHEMA,
            Self::Group => GROUP_SCHEMA,
        }
    }

    pub fn core_attrs(self) -> &'static [Attr] {
        match self {
            Self::User => USER,
            Self::Group => GROUP,
        }
    }

    /// Extension schemas the type supports, with their attributes.
    pub fn extensions(self) -> &'static [(&'static str, &'static [Attr])] {
        static USER_EXT: &[(&str, &[Attr])] = &[(ENTERPRISE_SCHEMA, ENTERPRISE)];
        match self {
            Self::User => USER_EXT,
            Self::Group => &[],
        }
    }

    /// A top-level attribute (common or core) by name, ignoring case.
    pub fn core_attr(self, name: &str) -> Option<&'static Attr> {
        find(COMMON, name).or_else(|| find(self.core_attrs(), name))
    }

    /// An extension by URN, ignoring case: (canonical URN, attributes).
    pub fn extension(self, urn: &str) -> Option<(&'static str, &'static [Attr])> {
        self.extensions()
            .iter()
            .copied()
            .find(|(u, _)| u.eq_ignore_ascii_case(urn))
    }

    /// Infers the type of a stored resource from its `schemas` (or
    /// `meta.resourceType`).
    pub fn of_resource(resource: &serde_json::Value) -> Option<Self> {
        let schemas = resource.get("schemas").and_then(|s| s.as_array());
        for schema in schemas.into_iter().flatten().filter_map(|s| s.as_str()) {
            if schema.eq_ignore_ascii_case(USER_SCHEMA) {
                return Some(Self::User);
            }
            if schema.eq_ignore_ascii_case(GROUP_SCHEMA) {
                return Some(Self::Group);
            }
        }
        resource
            .pointer("/meta/resourceType")
            .and_then(|t| t.as_str())
            .and_then(Self::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_ignore_case() {
        let u = ResourceType::User;
        assert_eq!(u.core_attr("USERNAME").map(|a| a.name), Some("userName"));
        assert_eq!(u.core_attr("id").map(|a| a.name), Some("id"));
        assert!(u.core_attr("members").is_none());
        let emails = u.core_attr("Emails").expect("emails");
        assert!(emails.multi && emails.is_complex());
        assert_eq!(
            emails.sub_attr("PRIMARY").map(|a| a.kind),
            Some(Kind::Boolean)
        );
        assert_eq!(
            u.extension(&ENTERPRISE_SCHEMA.to_ascii_lowercase())
                .map(|e| e.0),
            Some(ENTERPRISE_SCHEMA)
        );
        assert!(ResourceType::Group.extension(ENTERPRISE_SCHEMA).is_none());
    }

    #[test]
    fn resource_type_from_schemas_or_meta() {
        let user = serde_json::json!({"schemas": [USER_SCHEMA]});
        assert_eq!(ResourceType::of_resource(&user), Some(ResourceType::User));
        let group = serde_json::json!({"meta": {"resourceType": "Group"}});
        assert_eq!(ResourceType::of_resource(&group), Some(ResourceType::Group));
        assert_eq!(ResourceType::of_resource(&serde_json::json!([])), None);
    }
}
