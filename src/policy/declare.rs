//! The macro behind `keys.rs`: one declaration of every setting (its doc line, name,
//! type, kind and default, in the order a policy file lists them) gives
//!
//! - [`Settings`](super::Settings) and its groups ([`DriftSettings`](super::DriftSettings),
//!   ...): the fields, their defaults and their serialisation for `manifest.json`;
//! - [`SETTING_KEYS`](super::SETTING_KEYS): every key, `drift.overdue_days` for a
//!   group's;
//! - `Layer`: what one layer (`[defaults]`, a preset, a school's table) gives, the keys
//!   it gives and how it is laid over the settings so far;
//! - `RawSettings` and the groups' raw tables: the layer as a policy file writes it
//!   (serde, unknown keys refused), and its check into a `Layer`;
//! - the setting's columns of `policy_schools` (`setting_columns`), and its row of the
//!   settings table in docs/policy.md ([`settings_doc`](super::settings_doc)).
//!
//! What a kind of value means (its check, columns, docs) is in `kinds.rs`.

/// See the module doc. Each setting is written
/// `/// doc line` `name: Type, Kind, default value;`.
macro_rules! declare_settings {
    (
        $(#[doc = $doc:literal])*
        $settings:ident from $raw:ident {
            $(
                $(#[doc = $fdoc:literal])+
                $f:ident: $fty:ty, $fkind:expr, default $fdefault:expr;
            )*
        }
        $(
            $(#[doc = $gdoc:literal])*
            $g:ident: $gty:ident from $graw:ident {
                $(
                    $(#[doc = $gfdoc:literal])+
                    $gf:ident: $gfty:ty, $gfkind:expr, default $gfdefault:expr;
                )*
            }
        )*
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $settings {
            /// The preset applied (its path as written in the policy file), if any.
            pub preset: Option<String>,
            $($(#[doc = $fdoc])+ pub $f: $fty,)*
            $($(#[doc = $gdoc])* pub $g: $gty,)*
            /// Where each setting came from, keyed by setting name ([`SETTING_KEYS`],
            /// plus `rules.<name>` and `rules.<name>.<field>` for each rule and its quoted
            /// fields).
            pub origins: ::std::collections::BTreeMap<String, $crate::policy::Origin>,
        }

        $(
            $(#[doc = $gdoc])*
            #[derive(Debug, Clone, PartialEq)]
            pub struct $gty {
                $($(#[doc = $gfdoc])+ pub $gf: $gfty,)*
            }

            impl ::serde::Serialize for $gty {
                fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    use ::serde::ser::SerializeStruct;
                    use $crate::policy::kinds::Shown;
                    let fields = <[&str]>::len(&[$(stringify!($gf)),*]);
                    let mut out = s.serialize_struct(stringify!($gty), fields)?;
                    $(out.serialize_field(stringify!($gf), &Shown(&$gfkind, &self.$gf))?;)*
                    out.end()
                }
            }
        )*

        impl ::serde::Serialize for $settings {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct;
                use $crate::policy::kinds::Shown;
                let fields = 2 + <[&str]>::len(&[$(stringify!($f),)* $(stringify!($g)),*]);
                let mut out = s.serialize_struct(stringify!($settings), fields)?;
                out.serialize_field("preset", &self.preset)?;
                $(out.serialize_field(stringify!($f), &Shown(&$fkind, &self.$f))?;)*
                $(out.serialize_field(stringify!($g), &self.$g)?;)*
                out.serialize_field("origins", &self.origins)?;
                out.end()
            }
        }

        impl Default for $settings {
            /// The spec's defaults (04-policy.md's example `[defaults]`, 02-metrics.md's
            /// values).
            fn default() -> Self {
                $settings {
                    preset: None,
                    $($f: $fdefault,)*
                    $($g: $gty { $($gf: $gfdefault,)* },)*
                    origins: ::std::collections::BTreeMap::new(),
                }
            }
        }

        /// The settings a layer can give, by the name they have in the policy file (and
        /// in a `[source]` table). `rules` is one key: a layer's rules replace the
        /// earlier ones whole.
        pub const SETTING_KEYS: &[&str] = &[
            $(stringify!($f),)*
            $($(concat!(stringify!($g), ".", stringify!($gf)),)*)*
        ];

        /// The keys one layer (`[defaults]`, a preset file, `[schools."URN"]`) gives,
        /// checked. `None` = not given: the earlier layer's value stands.
        #[derive(Debug, Clone, Default)]
        pub(crate) struct Layer {
            $(pub $f: Option<$fty>,)*
            $($(pub $gf: Option<$gfty>,)*)*
            /// The layer's `[source]`: the policy's sentence behind each setting it
            /// makes, by setting name (`rules.<name>` and `rules.<name>.<field>` for a
            /// rule).
            pub quotes: ::std::collections::BTreeMap<String, String>,
        }

        impl Layer {
            /// The setting names ([`SETTING_KEYS`]) this layer gives.
            pub fn keys_given(&self) -> Vec<&'static str> {
                let mut given = Vec::new();
                $(if self.$f.is_some() {
                    given.push(stringify!($f));
                })*
                $($(if self.$gf.is_some() {
                    given.push(concat!(stringify!($g), ".", stringify!($gf)));
                })*)*
                given
            }

            /// Replaces each value of `s` this layer gives, whole.
            pub(super) fn set_values(&self, s: &mut $settings) {
                $(if let Some(value) = &self.$f {
                    s.$f = value.clone();
                })*
                $($(if let Some(value) = &self.$gf {
                    s.$g.$gf = value.clone();
                })*)*
            }
        }

        /// One layer's settings as a policy file writes them: `[defaults]`,
        /// `[schools."URN"]` or a preset file's top level.
        #[derive(Debug, Default, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct $raw {
            pub preset: Option<String>,
            $(pub $f: Option<$crate::policy::kinds::Raw<$fty>>,)*
            $(pub $g: Option<$graw>,)*
            pub source: Option<::std::collections::BTreeMap<String, String>>,
        }

        $(
            /// A group's table as a policy file writes it.
            #[derive(Debug, ::serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            pub(crate) struct $graw {
                $(pub $gf: Option<$crate::policy::kinds::Raw<$gfty>>,)*
            }
        )*

        impl $raw {
            /// Checks each value given; returns the layer, and the `preset` and
            /// `[source]` as written.
            #[allow(clippy::type_complexity)]
            pub(crate) fn check(
                self,
                at: &$crate::policy::check::Checker,
            ) -> Result<
                (
                    Layer,
                    Option<String>,
                    Option<::std::collections::BTreeMap<String, String>>,
                ),
                $crate::policy::PolicyError,
            > {
                use $crate::policy::kinds::Kind;
                let mut layer = Layer::default();
                $(layer.$f = self
                    .$f
                    .map(|raw| $fkind.check(at, stringify!($f), raw))
                    .transpose()?;)*
                $(if let Some(group) = self.$g {
                    $(layer.$gf = group
                        .$gf
                        .map(|raw| {
                            $gfkind.check(at, concat!(stringify!($g), ".", stringify!($gf)), raw)
                        })
                        .transpose()?;)*
                })*
                Ok((layer, self.preset, self.source))
            }
        }

        /// Each setting's columns of `policy_schools`, in declaration order, for
        /// `schools` in order.
        pub(crate) fn setting_columns(schools: &[&$settings]) -> Vec<::polars::prelude::Column> {
            use $crate::policy::kinds::Kind;
            let mut columns = Vec::new();
            $({
                let values: Vec<_> = schools.iter().map(|s| &s.$f).collect();
                columns.extend($fkind.columns(stringify!($f), &values));
            })*
            $($({
                let values: Vec<_> = schools.iter().map(|s| &s.$g.$gf).collect();
                columns.extend($gfkind.columns(stringify!($gf), &values));
            })*)*
            columns
        }

        /// The settings table of docs/policy.md, a row per setting in declaration order:
        /// key, type, default, what is allowed, where the queries find it, what it means.
        pub fn settings_doc() -> String {
            use $crate::policy::kinds::doc_row;
            let defaults = $settings::default();
            let mut out = String::from(
                "| key | type | default | allowed | in the SQL | meaning |\n\
                 |---|---|---|---|---|---|\n",
            );
            $(out.push_str(&doc_row(
                &$fkind,
                stringify!($f),
                stringify!($f),
                &defaults.$f,
                concat!($($fdoc),+),
            ));)*
            $($(out.push_str(&doc_row(
                &$gfkind,
                concat!(stringify!($g), ".", stringify!($gf)),
                stringify!($gf),
                &defaults.$g.$gf,
                concat!($($gfdoc),+),
            ));)*)*
            out
        }
    };
}

pub(super) use declare_settings;
