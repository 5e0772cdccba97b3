//! The left column: 网络设置 / 接收设置 / 发送设置.

use egui::{ComboBox, RichText, Ui};

use super::{Action, labelled_field};
use crate::workspace::{Edit, LogEdit};

mod summaries;
use crate::codec::{Checksum, ChecksumSpan, ESCAPE_HELP, InputMode, LineEnding, TextEncoding};
use crate::i18n::Texts;
use crate::workspace::{Connection, Mode, SessionState, Shared};

/// The app's name and the buttons for what the whole app shares: language, theme, text size.
/// Whether the language was switched.
pub(super) fn app_header_ui(ui: &mut Ui, t: &'static Texts) -> bool {
    let mut switch_language = false;
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // Close together, so the name still fits beside them in the column's default width.
            ui.spacing_mut().item_spacing.x = 4.0;
            if ui.small_button(t.switch_language).clicked() {
                switch_language = true;
            }
            theme_button_ui(ui, t);
            zoom_buttons_ui(ui, t);
            // Last, in what is left: a narrow column shortens the name rather than drawing
            // the buttons over it.
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(egui::Label::new(RichText::new("NetDebug").heading()).truncate());
            });
        });
    });
    switch_language
}

/// The settings groups of session `state`, top to bottom; the quick commands are the app's.
/// Each group shows what a NetAssist user reaches for at once, the rest in a section that
/// folds away and, folded, says what it holds that differs from the defaults.
pub(super) fn settings_ui(
    ui: &mut Ui,
    state: &SessionState,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    let t = state.texts();
    group(ui, t.network, |ui| {
        network_ui(ui, state, shared, actions);
        let summary = summaries::network(state);
        let wrong = state.errors.multicast.is_some() || state.errors.tls_files.is_some();
        section(ui, "network_more", t.more_network, &summary, wrong, |ui| {
            network_more_ui(ui, state, actions);
        });
        if state.mode.relays() {
            let summary = summaries::impairments(state);
            let help = match state.mode {
                Mode::TcpRelay => t.impairment_help_tcp,
                _ => t.impairment_help,
            };
            section(ui, "impairments", t.impairment, &summary, false, |ui| {
                super::impair::impairments_ui(ui, state, actions);
            })
            .on_hover_text(help);
        }
    });
    group(ui, t.receive, |ui| {
        receive_ui(ui, state, actions);
        let summary = summaries::receive(state);
        let wrong = state.errors.delimiter.is_some() || state.errors.frame_start.is_some();
        section(ui, "receive_more", t.more_receive, &summary, wrong, |ui| {
            receive_more_ui(ui, state, actions);
        });
    });
    group(ui, t.send_settings, |ui| {
        send_settings_ui(ui, state, actions);
        let summary = summaries::send(state);
        section(ui, "send_more", t.more_send, &summary, false, |ui| {
            send_more_ui(ui, state, actions);
        });
    });
    ui.add_space(4.0);
    super::quick::quick_keys(ui, shared, actions);
    let summary = summaries::quick(shared, t);
    section(
        ui,
        "quick_commands",
        t.quick_commands,
        &summary,
        false,
        |ui| {
            super::quick::quick_commands_ui(ui, state, shared, actions);
        },
    );
    let summary = summaries::auto_reply(state);
    let wrong = state.errors.auto_reply.is_some();
    section(ui, "auto_reply", t.auto_reply, &summary, wrong, |ui| {
        super::auto_reply::auto_reply_ui(ui, state, actions);
    })
    .on_hover_text(t.auto_reply_help);
}

/// A section that folds away, closed at first; folded, its header says `summary` after its
/// `title`. A field in it that turns `wrong` opens it, so the message beside the field is in
/// sight. The header's response, for a tooltip.
fn section(
    ui: &mut Ui,
    id: &str,
    title: &str,
    summary: &str,
    wrong: bool,
    contents: impl FnOnce(&mut Ui),
) -> egui::Response {
    // Whether it was open last frame: the header keeps its own state under an id of a
    // child `Ui`, so the section remembers it beside it.
    let open_id = ui.make_persistent_id(id).with("open");
    let open = ui.data(|data| data.get_temp::<bool>(open_id).unwrap_or(false));
    // Opened once as the field turns wrong, not held open: it still folds while wrong.
    let wrong_id = ui.make_persistent_id(id).with("wrong");
    let was_wrong = ui.data_mut(|data| data.get_temp::<bool>(wrong_id).unwrap_or(false));
    ui.data_mut(|data| data.insert_temp(wrong_id, wrong));
    let header = if open || summary.is_empty() {
        title.to_owned()
    } else {
        format!("{title} · {summary}")
    };
    // A header never wraps: cut short with "…" rather than widen the column and squeeze
    // the log beside it.
    let width = ui.available_width() - ui.spacing().indent - ui.spacing().button_padding.x;
    let font = egui::TextStyle::Button.resolve(ui.style());
    let mut job =
        egui::text::LayoutJob::simple_singleline(header, font, egui::Color32::PLACEHOLDER);
    job.wrap = egui::text::TextWrapping::truncate_at_width(width.max(0.0));
    let header = egui::WidgetText::Galley(ui.fonts_mut(|fonts| fonts.layout_job(job)));
    let shown = egui::CollapsingHeader::new(header)
        .id_salt(id)
        .open((wrong && !was_wrong).then_some(true))
        .show(ui, contents);
    ui.data_mut(|data| data.insert_temp(open_id, shown.openness > 0.0));
    shown.header_response
}

/// The other theme: light for a projector or a bright room, dark for a long evening. A
/// half-filled circle, the usual sign for it, named for screen readers and in its tooltip.
/// Remembered with the window (eframe keeps egui's options); until then the system's.
fn theme_button_ui(ui: &mut Ui, t: &Texts) {
    let (name, tip, theme) = if ui.visuals().dark_mode {
        (t.theme_light, t.theme_light_help, egui::Theme::Light)
    } else {
        (t.theme_dark, t.theme_dark_help, egui::Theme::Dark)
    };
    let height = ui.spacing().interact_size.y * 0.75;
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(height * 1.1, height), egui::Sense::click());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), name));
    if ui.is_rect_visible(rect) {
        let look = ui.style().interact(&response);
        let painter = ui.painter();
        painter.rect(
            rect,
            look.corner_radius,
            look.weak_bg_fill,
            look.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let (center, radius) = (rect.center(), height * 0.3);
        let color = look.fg_stroke.color;
        // The left half filled: a half disc from the top round to the bottom.
        let half = (0..=16)
            .map(|step| {
                let angle = std::f32::consts::FRAC_PI_2 + std::f32::consts::PI * step as f32 / 16.0;
                center + radius * egui::vec2(angle.cos(), -angle.sin())
            })
            .collect();
        painter.add(egui::Shape::convex_polygon(half, color, egui::Stroke::NONE));
        painter.circle_stroke(center, radius, egui::Stroke::new(1.2, color));
    }
    if response.on_hover_text(tip).clicked() {
        ui.ctx().set_theme(theme);
    }
}

/// Larger and smaller text, for a projector or a small screen; the same steps as Ctrl +/-,
/// and remembered with the window (eframe keeps egui's zoom).
fn zoom_buttons_ui(ui: &mut Ui, t: &Texts) {
    use egui::gui_zoom::{kb_shortcuts, zoom_in, zoom_out};
    type Zoom = fn(&egui::Context);
    let ctx = ui.ctx().clone();
    let buttons = [
        ("A+", t.zoom_in, kb_shortcuts::ZOOM_IN, zoom_in as Zoom),
        ("A-", t.zoom_out, kb_shortcuts::ZOOM_OUT, zoom_out),
    ];
    for (label, tip, shortcut, zoom) in buttons {
        let tip = format!("{tip} ({})", ctx.format_shortcut(&shortcut));
        if ui.small_button(label).on_hover_text(tip).clicked() {
            zoom(&ctx);
        }
    }
}

/// A number field with its label before it on one row, the label naming it for screen
/// readers; the field's response.
pub(super) fn number_row(
    ui: &mut Ui,
    label: &str,
    enabled: bool,
    field: egui::DragValue<'_>,
) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.add_enabled(enabled, field).labelled_by(label.id)
    })
    .inner
}

/// A titled group; the title's response, for a tooltip.
fn group(ui: &mut Ui, title: &str, contents: impl FnOnce(&mut Ui)) -> egui::Response {
    ui.add_space(4.0);
    let title = ui.label(RichText::new(title).strong());
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        contents(ui);
    });
    title
}

/// Protocol, address and port, Open: what every session needs.
fn network_ui(ui: &mut Ui, state: &SessionState, shared: &Shared, actions: &mut Vec<Action>) {
    let t = state.texts();
    let open = state.connection.is_open();
    ui.add_enabled_ui(!open, |ui| {
        ComboBox::new("protocol", t.protocol)
            .selected_text(state.mode.label(t))
            .show_ui(ui, |ui| {
                for mode in Mode::ALL {
                    if ui
                        .selectable_label(state.mode == mode, mode.label(t))
                        .clicked()
                        && mode != state.mode
                    {
                        actions.push(Action::Edit(Edit::Mode(mode)));
                    }
                }
            });
    });
    let (address_label, port_label) = match state.mode {
        Mode::TcpClient => (t.remote_address, t.remote_port),
        Mode::TcpServer | Mode::Udp | Mode::TcpRelay | Mode::UdpRelay => {
            (t.local_address, t.local_port)
        }
    };
    // The address and its port side by side, each named by the label above it.
    let port_width = 64.0;
    let (address_name, port_name) = ui
        .horizontal(|ui| {
            let address = ui.label(address_label).id;
            if state.mode == Mode::TcpClient {
                ui.add_enabled_ui(!open, |ui| {
                    super::recent_remotes_ui(ui, state, shared, actions);
                });
            } else {
                ui.add_enabled_ui(!open, |ui| {
                    local_address_pick_ui(ui, state, shared, actions);
                });
            }
            let port = ui
                .with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(port_label).id
                })
                .inner;
            (address, port)
        })
        .inner;
    ui.horizontal(|ui| {
        let address_width =
            (ui.available_width() - port_width - ui.spacing().item_spacing.x).max(60.0);
        let mut address = state.address.clone();
        let edit = egui::TextEdit::singleline(&mut address)
            .hint_text("127.0.0.1")
            .desired_width(address_width);
        if ui
            .add_enabled(!open, edit)
            .labelled_by(address_name)
            .changed()
        {
            actions.push(Action::Edit(Edit::Address(address)));
        }
        let mut port = state.port.clone();
        let edit = egui::TextEdit::singleline(&mut port)
            .hint_text("8080")
            .desired_width(port_width);
        if ui.add_enabled(!open, edit).labelled_by(port_name).changed() {
            actions.push(Action::Edit(Edit::Port(port)));
        }
    });
    if state.mode.relays() {
        upstream_ui(ui, state, open, actions);
    }
    // One line kept for what is wrong with any of the fields, so an error never moves the
    // controls under it.
    let problem = [
        &state.errors.address,
        &state.errors.port,
        &state.errors.upstream,
    ]
    .into_iter()
    .flatten()
    .map(|problem| super::sentence(problem.get(state.language)).into_owned())
    .collect::<Vec<_>>()
    .join("; ");
    reserved_error_line(ui, &problem);
    ui.horizontal(|ui| {
        let (text, action) = if open {
            (t.close, Action::Close)
        } else {
            (t.open, Action::Open)
        };
        if ui
            .add(egui::Button::new(RichText::new(text).strong()).min_size([80.0, 26.0].into()))
            .clicked()
        {
            actions.push(action);
        }
        ui.colored_label(super::health_colour(state.health(), ui), "●");
        if matches!(state.connection, Connection::Listening(_))
            && ui
                .small_button(t.stop_listening)
                .on_hover_text(t.stop_listening_help)
                .clicked()
        {
            actions.push(Action::StopListening);
        }
        let described = state.connection.describe(t);
        ui.add(egui::Label::new(RichText::new(described.as_str()).small()).truncate())
            .on_hover_text(described);
    });
}

/// The relay's upstream server, `host:port`, on one row with its label.
fn upstream_ui(ui: &mut Ui, state: &SessionState, open: bool, actions: &mut Vec<Action>) {
    let t = state.texts();
    ui.horizontal(|ui| {
        let label = ui.label(t.upstream).on_hover_text(t.upstream_help);
        let mut upstream = state.upstream.clone();
        let edit = egui::TextEdit::singleline(&mut upstream)
            .hint_text("192.168.1.10:8080")
            .desired_width(ui.available_width());
        if ui
            .add_enabled(!open, edit)
            .labelled_by(label.id)
            .on_hover_text(t.upstream_help)
            .changed()
        {
            actions.push(Action::Edit(Edit::Upstream(upstream)));
        }
    });
}

/// This machine's addresses, one click to put in the address field.
fn local_address_pick_ui(
    ui: &mut Ui,
    state: &SessionState,
    shared: &Shared,
    actions: &mut Vec<Action>,
) {
    let t = state.texts();
    super::unlabelled_combo(ui, "local_address_pick", t.pick_address, "IP", |ui| {
        for address in &shared.local_addresses {
            let text = address.to_string();
            if ui.selectable_label(state.address == text, &text).clicked() {
                actions.push(Action::Edit(Edit::Address(text)));
            }
        }
    });
}

/// A line of small red text that is there (empty) even when nothing is wrong; `problem` is
/// whole on hover.
fn reserved_error_line(ui: &mut Ui, problem: &str) {
    if problem.is_empty() {
        ui.label(RichText::new(" ").small());
    } else {
        super::error_in_place(ui, problem);
    }
}

/// What not every session needs: a client's timeout, local port and reconnecting, TLS, a
/// UDP multicast group.
fn network_more_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let open = state.connection.is_open();
    let mut client = state.client;
    if matches!(state.mode, Mode::TcpClient | Mode::TcpRelay) {
        // A relay connects to its upstream as a client does, within the same timeout.
        number_row(
            ui,
            t.connect_timeout,
            !open,
            egui::DragValue::new(&mut client.connect_timeout_ms)
                .range(crate::workspace::CONNECT_TIMEOUT_MS)
                .speed(10),
        );
    }
    if state.mode == Mode::TcpClient {
        number_row(
            ui,
            t.client_local_port,
            !open,
            egui::DragValue::new(&mut client.local_port),
        )
        .on_hover_text(t.client_local_port_help);
        ui.horizontal(|ui| {
            ui.checkbox(&mut client.auto_reconnect, t.auto_reconnect);
            let label = ui.label(t.reconnect_every);
            ui.add(
                egui::DragValue::new(&mut client.reconnect_ms)
                    .range(crate::workspace::RECONNECT_MS)
                    .speed(10),
            )
            .labelled_by(label.id);
        });
    }
    if state.mode == Mode::UdpRelay {
        number_row(
            ui,
            t.relay_idle,
            !open,
            egui::DragValue::new(&mut client.relay_idle_ms)
                .range(crate::workspace::RELAY_IDLE_MS)
                .speed(100),
        )
        .on_hover_text(t.relay_idle_help);
    }
    if client != state.client {
        actions.push(Action::Edit(Edit::Client(client)));
    }
    super::tls::tls_ui(ui, state, actions, open);
    if state.mode == Mode::Udp {
        let mut group = state.multicast_group.clone();
        let field = labelled_field(
            ui,
            t.multicast_group,
            &mut group,
            "239.255.0.1 / ff15::1",
            state
                .errors
                .multicast
                .as_ref()
                .map(|said| said.get(state.language)),
            !open,
        );
        if field.changed() {
            actions.push(Action::Edit(Edit::MulticastGroup(group)));
        }
    }
}

/// Show as, decode as, log mode: how received data reads.
fn receive_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let layout = state.log.store().layout();
    let (mut view, mut encoding) = (layout.view, state.log.encoding());
    ui.horizontal_wrapped(|ui| {
        view_combo(ui, "rx_view", t.show_as, &mut view, t);
        encoding_combo(ui, "rx_encoding", t.decode_as, &mut encoding);
    });
    let (mut headers, mut display) = (layout.headers, state.display);
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut headers, t.log_mode);
        ui.checkbox(&mut display.autoscroll, t.autoscroll);
    });
    let edits = [
        (view != layout.view).then_some(LogEdit::View(view)),
        (encoding != state.log.encoding()).then_some(LogEdit::Encoding(encoding)),
        (headers != layout.headers).then_some(LogEdit::Headers(headers)),
    ];
    actions.extend(
        edits
            .into_iter()
            .flatten()
            .map(|edit| Action::Edit(Edit::Log(edit))),
    );
    if display != state.display {
        actions.push(Action::Edit(Edit::Display(display)));
    }
}

/// The rest of the receive settings: escapes, wrapping, pausing and hiding, the rate graph,
/// the memory limit, splitting, checking, merging and save-to-file.
fn receive_more_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let log = &state.log;
    let mut edits = Vec::new();
    let mut escapes = log.escapes();
    if ui
        .checkbox(&mut escapes, t.show_escapes)
        .on_hover_text(t.show_escapes_help)
        .changed()
    {
        edits.push(LogEdit::Escapes(escapes));
    }
    let mut display = state.display;
    ui.checkbox(&mut display.auto_wrap, t.auto_wrap);
    ui.checkbox(&mut display.paused, t.pause_display);
    ui.checkbox(&mut display.hide_received, t.hide_received);
    ui.checkbox(&mut display.hide_sent, t.hide_sent)
        .on_hover_text(t.hide_sent_help);
    ui.checkbox(&mut display.rate_graph, t.rate_graph);
    if display != state.display {
        actions.push(Action::Edit(Edit::Display(display)));
    }
    let mut megabytes = log.store().budget() >> 20;
    let limit = egui::DragValue::new(&mut megabytes).range(1..=65_536);
    if number_row(ui, t.log_limit, true, limit).changed() {
        edits.push(LogEdit::Budget(megabytes << 20));
    }
    super::split::split_ui(ui, state, actions);
    let mut check = log.check_kind();
    ComboBox::new("rx_check", t.check_received)
        .selected_text(check.name())
        .show_ui(ui, |ui| {
            for checksum in Checksum::ALL {
                ui.selectable_value(&mut check, checksum, checksum.name());
            }
        })
        .response
        .on_hover_text(t.check_received_help);
    let mut span = log.check_span();
    if check != Checksum::None {
        span_ui(ui, &mut span, check, [t.check_from, t.check_tail], t);
    }
    if (check, span) != (log.check_kind(), log.check_span()) {
        edits.push(LogEdit::Check(check, span));
    }
    let mut ms = crate::workspace::merge_ms(log.merge_gap());
    let merge = egui::DragValue::new(&mut ms).range(crate::workspace::MERGE_READS_MS);
    // Splitting decides the entries by content; merging by time would fight it.
    let merging_applies = log.framing().is_none();
    if number_row(ui, t.merge_reads, merging_applies, merge)
        .on_hover_text(t.merge_reads_help)
        .changed()
    {
        edits.push(LogEdit::MergeGap(crate::workspace::merge_gap(ms)));
    }
    actions.extend(edits.into_iter().map(|edit| Action::Edit(Edit::Log(edit))));
    ui.separator();
    capture_ui(ui, state, actions);
}

/// Save-to-file: where received data goes and how much has, or the button to start.
fn capture_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    if let Some(capture) = &state.capture {
        let written = capture.progress.written();
        ui.label(
            RichText::new(format!(
                "{} {}\n{written} B",
                t.saving_to,
                capture.path.display()
            ))
            .small(),
        );
        if ui.button(t.stop_saving).clicked() {
            actions.push(Action::StopCapture);
        }
        // The writer runs behind the window: look again while the count is still moving,
        // and not at all once it has settled.
        if capture.shown.replace(written) != written {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
    } else {
        let mut as_text = state.capture_as_text;
        ComboBox::new("save_format", t.save_format)
            .selected_text(if as_text { t.log_text } else { t.raw_bytes })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut as_text, false, t.raw_bytes);
                ui.selectable_value(&mut as_text, true, t.log_text);
            });
        if as_text != state.capture_as_text {
            actions.push(Action::Edit(Edit::CaptureAsText(as_text)));
        }
        if ui.button(t.save_to_file).clicked() {
            actions.push(Action::PickCaptureFile);
        }
    }
}

/// Send as, encoding, what is appended, the checksum, cycle send and Send file.
fn send_settings_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut format = state.send.format;
    ui.horizontal_wrapped(|ui| {
        view_combo(ui, "tx_mode", t.send_as, &mut format.mode, t);
        encoding_combo(ui, "tx_encoding", t.encode_as, &mut format.encoding);
    });
    ui.horizontal_wrapped(|ui| {
        ComboBox::new("line_ending", t.append)
            .selected_text(format.line_ending.name())
            .width(COMPACT_COMBO)
            .show_ui(ui, |ui| {
                for ending in LineEnding::ALL {
                    ui.selectable_value(&mut format.line_ending, ending, ending.name());
                }
            });
        ComboBox::new("checksum", t.checksum)
            .selected_text(format.checksum.name())
            .width(COMPACT_COMBO)
            .show_ui(ui, |ui| {
                for checksum in Checksum::ALL {
                    ui.selectable_value(&mut format.checksum, checksum, checksum.name());
                }
            });
    });
    if format != state.send.format {
        actions.push(Action::Edit(Edit::SendFormat(format)));
    }
    ui.horizontal_wrapped(|ui| {
        let mut cycling = state.cycling.is_some();
        if ui.checkbox(&mut cycling, t.cycle_send).changed() {
            actions.push(if cycling {
                Action::StartCycle
            } else {
                Action::StopCycle
            });
        }
        let idle = state.cycling.is_none();
        let label = ui.label(t.cycle_period);
        let mut cycle = state.cycle;
        ui.add_enabled(
            idle,
            egui::DragValue::new(&mut cycle.period_ms).range(1..=86_400_000),
        )
        .labelled_by(label.id);
        if cycle != state.cycle {
            actions.push(Action::Edit(Edit::Cycle(cycle)));
        }
        if let Some(sends) = &state.cycling {
            let sends = sends.load(std::sync::atomic::Ordering::Relaxed);
            ui.label(RichText::new(format!("{} {sends}", t.cycle_count)).small());
        }
    });
    match &state.file {
        Some(file) => {
            let sent = file.sent();
            let total = file.total();
            let fraction = match total {
                Some(0) => 1.0,
                Some(total) => sent as f32 / total as f32,
                None => 0.0,
            };
            ui.horizontal(|ui| {
                if ui.button(t.cancel).clicked() {
                    actions.push(Action::CancelFile);
                }
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(format!(
                            "{sent} / {} B",
                            total.map_or_else(|| "?".to_owned(), |total| total.to_string())
                        ))
                        .desired_height(14.0),
                );
            });
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        None => {
            if ui.button(t.send_file).clicked() {
                actions.push(Action::PickFileToSend);
            }
        }
    }
}

/// The rest of the send settings: escapes, the checksum's span, clearing the send box, how
/// many times and what a cycle sends, and how a file is paced.
fn send_more_ui(ui: &mut Ui, state: &SessionState, actions: &mut Vec<Action>) {
    let t = state.texts();
    let mut format = state.send.format;
    ui.add_enabled(
        format.mode == InputMode::Text,
        egui::Checkbox::new(&mut format.escapes, t.escapes),
    )
    .on_hover_text(ESCAPE_HELP);
    if format.checksum != Checksum::None {
        span_ui(
            ui,
            &mut format.checksum_span,
            format.checksum,
            [t.checksum_from, t.checksum_tail],
            t,
        );
    }
    if format != state.send.format {
        actions.push(Action::Edit(Edit::SendFormat(format)));
    }
    let mut clear = state.send.clear_after_send;
    if ui.checkbox(&mut clear, t.clear_after_send).changed() {
        actions.push(Action::Edit(Edit::ClearAfterSend(clear)));
    }
    let idle = state.cycling.is_none();
    let mut cycle = state.cycle;
    let times = egui::DragValue::new(&mut cycle.times).range(0..=1_000_000_000);
    number_row(ui, t.cycle_times, idle, times);
    ui.add_enabled(idle, egui::Checkbox::new(&mut cycle.quick, t.cycle_quick));
    if cycle != state.cycle {
        actions.push(Action::Edit(Edit::Cycle(cycle)));
    }
    let file_idle = state.file.is_none();
    let mut pacing = state.pacing;
    let packet_size = egui::DragValue::new(&mut pacing.packet_size)
        .range(0..=crate::net::MAX_FILE_PACKET)
        .suffix(" B");
    number_row(ui, t.file_packet_size, file_idle, packet_size);
    let interval =
        egui::DragValue::new(&mut pacing.interval_ms).range(crate::workspace::FILE_INTERVAL_MS);
    number_row(ui, t.file_interval, file_idle, interval);
    if pacing != state.pacing {
        actions.push(Action::Edit(Edit::Pacing(pacing)));
    }
}

/// Which bytes a `kind` checksum covers and how many follow it (`labels`: the two fields'),
/// and, once that is not the whole frame, the frame they make, in words.
fn span_ui(ui: &mut Ui, span: &mut ChecksumSpan, kind: Checksum, labels: [&str; 2], t: &Texts) {
    let [from_label, tail_label] = labels;
    let from = egui::DragValue::new(&mut span.from).range(0..=ChecksumSpan::MAX);
    number_row(ui, from_label, true, from).on_hover_text(t.checksum_span_help);
    let tail = egui::DragValue::new(&mut span.tail).range(0..=ChecksumSpan::MAX);
    number_row(ui, tail_label, true, tail).on_hover_text(t.checksum_span_help);
    if !span.is_whole() {
        ui.weak(
            t.checksum_span_rule
                .replace("{from}", &span.from.to_string())
                .replace("{kind}", kind.name())
                .replace("{tail}", &span.tail.to_string()),
        );
    }
}

/// The width of a combo box that sits beside another in a row.
const COMPACT_COMBO: f32 = 64.0;

fn view_combo(ui: &mut Ui, id: &str, label: &str, value: &mut InputMode, t: &Texts) {
    let name = |mode: InputMode| match mode {
        InputMode::Text => t.text,
        InputMode::Hex => t.hex,
    };
    ComboBox::new(id, label)
        .selected_text(name(*value))
        .width(COMPACT_COMBO)
        .show_ui(ui, |ui| {
            for mode in [InputMode::Text, InputMode::Hex] {
                ui.selectable_value(value, mode, name(mode));
            }
        });
}

fn encoding_combo(ui: &mut Ui, id: &str, label: &str, value: &mut TextEncoding) {
    ComboBox::new(id, label)
        .selected_text(value.to_string())
        .width(COMPACT_COMBO)
        .show_ui(ui, |ui| {
            for encoding in TextEncoding::ALL {
                ui.selectable_value(value, encoding, encoding.to_string());
            }
        });
}
