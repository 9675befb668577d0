//! `ucma-ha serve [--port N] [--bind ADDR]`: the explorer page and its JSON API
//! (docs/CONTRACT.md section 8; see [`crate::serve`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Args;

/// Arguments of `ucma-ha serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The TCP port (0: any free port; the URL is printed).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// The address to listen on; the default serves this machine only.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
}

/// Serves until interrupted; exit 2 when the address cannot be bound.
pub fn run(args: &ServeArgs) -> u8 {
    let address = SocketAddr::new(args.bind, args.port);
    match crate::serve::run(address) {
        Ok(()) => super::SUCCESS,
        Err(error) => {
            super::out::flush();
            errln!(
                "error: cannot serve on {address}: {}",
                crate::files::reason(&error)
            );
            super::BAD_INPUT
        }
    }
}
