//! Resolution (04-policy.md, "Resolution"): a layer laid over the settings so far, key by
//! key, each key it gives replacing the value whole and recording where it came from.

use super::keys::{Layer, Settings};
use super::settings::{Origin, SettingLayer};

impl Settings {
    /// Where `key` came from: the most specific entry of [`Settings::origins`] among
    /// `key` and its parents (`rules.termly.min_minutes`, then `rules.termly`, then
    /// `rules`); built in when none is recorded.
    pub fn origin(&self, key: &str) -> Origin {
        let mut at = key;
        loop {
            if let Some(o) = self.origins.get(at) {
                return o.clone();
            }
            match at.rfind('.') {
                Some(i) if at.starts_with("rules.") => at = &at[..i],
                _ => return Origin::BUILT_IN,
            }
        }
    }
}

impl Layer {
    /// Lays this layer's keys over `s`: each key given replaces the value whole, and
    /// its origin is recorded as `layer` (with the preset's path and the quote, if any).
    pub fn apply(&self, s: &mut Settings, layer: SettingLayer, preset: Option<&str>) {
        let origin = |key: &str| Origin {
            layer,
            preset: preset.map(str::to_string),
            quote: self.quotes.get(key).cloned(),
        };
        if let Some(rules) = &self.rules {
            s.origins.retain(|key, _| !key.starts_with("rules."));
            for rule in rules {
                let key = format!("rules.{}", rule.name);
                s.origins.insert(key.clone(), origin(&key));
                for (quoted, _) in self.quotes.range(format!("{key}.")..) {
                    if !quoted.starts_with(&format!("{key}.")) {
                        break;
                    }
                    s.origins.insert(quoted.clone(), origin(quoted));
                }
            }
        }
        for key in self.keys_given() {
            s.origins.insert(key.to_string(), origin(key));
        }
        self.set_values(s);
    }
}
