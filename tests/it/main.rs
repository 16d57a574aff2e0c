//! All integration tests in one binary: one link instead of one per file.
//! Each file is a module named after what it tests; the `*_support` modules are
//! shared helpers, and the fuzz engine is shared with `examples/fuzz.rs`.

mod durability_support;
#[path = "../../fuzz/engine.rs"]
mod engine;
#[path = "../../fuzz/mutate.rs"]
mod mutate;
mod nats_support;
#[path = "replay_support/pty.rs"]
mod pty;
mod publish_support;
mod replay_support;
mod ssh_support;
mod support;
#[path = "../../fuzz/targets.rs"]
mod targets;

mod action_moment;
mod actions;
mod amend;
mod amend_field;
mod chart_window;
mod cli;
mod command_errors;
mod comms_fold;
mod comms_pty;
mod comms_ui;
mod comms_ui_pane;
mod config;
mod declare;
mod deps;
mod desk;
mod desk_logs;
mod desk_nats;
mod desk_pick;
mod desk_popup;
mod desk_ssh;
mod drill;
mod drills_generated;
mod drills_play;
mod drills_pty;
mod durability;
mod e2e_room;
mod export_cli;
mod export_comms;
mod export_golden;
mod export_off_loop;
mod fold;
mod fuzz;
mod handoff;
mod install;
mod key_bar;
mod key_times_screen;
mod log;
mod log_builder;
mod long_note;
mod nats_cluster;
mod nats_list;
mod nats_room;
mod nats_source_hosts;
mod pagerduty;
mod public_update_state;
mod publish_config;
mod publish_cstate;
mod publish_statuspage;
mod publish_webhook;
mod read_only_hints;
mod readme_keys;
mod replay_fidelity;
mod replay_pty;
mod replay_seek;
mod replay_view;
mod restart;
mod room;
mod selection_look;
mod small_screen;
mod sources_alertmanager;
mod sources_history;
mod sources_http;
mod sources_limits;
mod sources_parsers;
mod sources_prometheus;
mod ssh;
mod ssh_access;
mod ssh_drill_view;
mod ssh_limits;
mod ssh_serve;
mod theme_cli;
mod ui_keys;
mod ui_panes;
mod ui_robust;
mod ui_snapshots;
mod ui_themes;
mod ui_timeline;
