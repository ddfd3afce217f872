//! Where an organisation's Chorus Pro traffic goes: PISTE production, PISTE sandbox, or the
//! built-in simulator. URLs from the reference (§2.1, §3.1); each can be overridden.

use std::fmt;
use std::str::FromStr;

use url::Url;

use super::error::ChorusError;

/// The Chorus Pro platform an organisation talks to: one type, the setting an admin chooses
/// (`domain::einvoicing`), whose endpoints are known here.
pub use crate::domain::einvoicing::ChorusEnvironment;

/// Default address of a standalone simulator (`chorus-desk simulator --bind 127.0.0.1:8090`).
pub const DEFAULT_SIMULATOR_BASE_URL: &str = "http://127.0.0.1:8090";

impl ChorusEnvironment {
    /// The reference URLs of this environment (the simulator's default standalone address).
    pub fn default_endpoints(self) -> ChorusEndpoints {
        let (token, api) = match self {
            ChorusEnvironment::Production => (
                "https://oauth.piste.gouv.fr/api/oauth/token",
                "https://api.piste.gouv.fr",
            ),
            ChorusEnvironment::Sandbox => (
                "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
                "https://sandbox-api.piste.gouv.fr",
            ),
            ChorusEnvironment::Simulator => {
                return ChorusEndpoints::simulator_at(DEFAULT_SIMULATOR_BASE_URL)
                    .expect("the default simulator URL is valid");
            }
        };
        ChorusEndpoints {
            token_url: Url::parse(token).expect("PISTE token URL is valid"),
            api_base_url: Url::parse(api).expect("PISTE API URL is valid"),
        }
    }
}

impl fmt::Display for ChorusEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChorusEnvironment {
    type Err = ChorusError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Ok(ChorusEnvironment::Production),
            "sandbox" | "qualification" => Ok(ChorusEnvironment::Sandbox),
            "simulator" | "simulateur" => Ok(ChorusEnvironment::Simulator),
            other => Err(ChorusError::Configuration(format!(
                "unknown Chorus Pro environment {other:?}; expected production, sandbox or simulator"
            ))),
        }
    }
}

/// The two hosts of PISTE: the OAuth token URL and the API base (paths `/cpro/...` go below it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChorusEndpoints {
    pub token_url: Url,
    pub api_base_url: Url,
}

impl ChorusEndpoints {
    /// Endpoints of a simulator serving both hosts on one address, possibly under a prefix
    /// (e.g. `http://127.0.0.1:8080/simulator` when mounted inside `serve`).
    pub fn simulator_at(base_url: &str) -> Result<Self, ChorusError> {
        let base = base_url.trim_end_matches('/');
        let parse = |text: &str| {
            Url::parse(text)
                .map_err(|error| ChorusError::Configuration(format!("invalid simulator URL {text:?}: {error}")))
        };
        Ok(ChorusEndpoints {
            token_url: parse(&format!("{base}/api/oauth/token"))?,
            api_base_url: parse(base)?,
        })
    }

    pub fn with_token_url(mut self, token_url: Url) -> Self {
        self.token_url = token_url;
        self
    }

    pub fn with_api_base_url(mut self, api_base_url: Url) -> Self {
        self.api_base_url = api_base_url;
        self
    }

    /// Full URL of an API path such as `cpro/factures/v1/deposer/flux`, keeping any prefix of the base.
    pub fn api_url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.api_base_url.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piste_urls_follow_the_reference() {
        let production = ChorusEnvironment::Production.default_endpoints();
        assert_eq!(
            production.token_url.as_str(),
            "https://oauth.piste.gouv.fr/api/oauth/token"
        );
        assert_eq!(
            production.api_url("cpro/factures/v1/deposer/flux"),
            "https://api.piste.gouv.fr/cpro/factures/v1/deposer/flux"
        );
        let sandbox = ChorusEnvironment::Sandbox.default_endpoints();
        assert_eq!(
            sandbox.token_url.as_str(),
            "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
        );
        assert_eq!(sandbox.api_base_url.host_str(), Some("sandbox-api.piste.gouv.fr"));
    }

    #[test]
    fn simulator_mounted_under_a_prefix_keeps_the_prefix() {
        let endpoints = ChorusEndpoints::simulator_at("http://127.0.0.1:8080/simulator/").unwrap();
        assert_eq!(
            endpoints.token_url.as_str(),
            "http://127.0.0.1:8080/simulator/api/oauth/token"
        );
        assert_eq!(
            endpoints.api_url("/cpro/transverses/v1/health-check"),
            "http://127.0.0.1:8080/simulator/cpro/transverses/v1/health-check"
        );
    }

    #[test]
    fn environment_names_parse() {
        assert_eq!(
            "Sandbox".parse::<ChorusEnvironment>().unwrap(),
            ChorusEnvironment::Sandbox
        );
        assert!("staging".parse::<ChorusEnvironment>().is_err());
    }
}
