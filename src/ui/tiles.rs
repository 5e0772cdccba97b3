//! The sessions in tabs and side by side, laid out by `egui_tiles`: each tile is one session
//! with its log and send box (or the all-sessions timeline); the tab says its name, state and
//! what arrived unseen.

use egui::{Color32, RichText, Sense, Ui, WidgetInfo};
use egui_tiles::{
    Behavior, Container, SimplificationOptions, Tile, TileId, Tiles, Tree, UiResponse,
};

use super::{Command, WorkspaceAction};
use crate::workspace::{Health, TabId, Workspace};

/// What a tile shows: a session, or every session's entries in one timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Pane {
    /// One session: its log and send box.
    Session(TabId),
    /// All sessions' entries by time.
    Timeline,
}

/// How the window arranges the sessions, and the rename under way.
pub struct Layout {
    tree: Tree<Pane>,
    renaming: Option<(TabId, String)>,
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layout")
            .field("tabs", &self.panes())
            .field("renaming", &self.renaming)
            .finish_non_exhaustive()
    }
}

impl Layout {
    /// Every session of `workspace` as a tab of one group, in order.
    pub fn new(workspace: &Workspace) -> Self {
        let ids = workspace
            .tabs()
            .iter()
            .map(|tab| Pane::Session(tab.id))
            .collect();
        Self {
            tree: Tree::new_tabs(egui::Id::unique("sessions"), ids),
            renaming: None,
        }
    }

    /// The layout saved as `text` ([`Layout::to_text`]) for `workspace`; one group of tabs
    /// when the text is empty or unreadable.
    pub fn from_text(text: &str, workspace: &Workspace) -> Self {
        let tree = (!text.is_empty())
            .then(|| ron::from_str::<Tree<Pane>>(text).ok())
            .flatten()
            .filter(is_sound);
        let mut layout = match tree {
            Some(tree) => Self {
                tree,
                renaming: None,
            },
            None => Self::new(workspace),
        };
        layout.sync(workspace);
        layout
    }

    /// The layout as text, for a workspace file.
    pub fn to_text(&self) -> String {
        ron::to_string(&self.tree).unwrap_or_default()
    }

    /// The sessions in the layout, in tab order.
    pub fn panes(&self) -> Vec<TabId> {
        let mut panes = Vec::new();
        if let Some(root) = self.tree.root {
            collect_panes(&self.tree.tiles, root, &mut panes);
        }
        panes
            .into_iter()
            .filter_map(|pane| match pane {
                Pane::Session(id) => Some(id),
                Pane::Timeline => None,
            })
            .collect()
    }

    /// Whether the timeline is one of the tiles.
    pub fn has_timeline(&self) -> bool {
        self.tree.tiles.find_pane(&Pane::Timeline).is_some()
    }

    /// Shows the all-sessions timeline in a column on the right (brought to the front if it
    /// is there already).
    pub fn show_timeline(&mut self) {
        if self.has_timeline() {
            self.tree
                .make_active(|_, tile| matches!(tile, Tile::Pane(Pane::Timeline)));
            return;
        }
        let pane = self.tree.tiles.insert_pane(Pane::Timeline);
        let column = self.tree.tiles.insert_tab_tile(vec![pane]);
        self.add_column(column);
    }

    /// Takes the timeline out of the layout.
    pub fn close_timeline(&mut self) {
        if let Some(tile) = self.tree.tiles.find_pane(&Pane::Timeline) {
            self.tree.remove_recursively(tile);
        }
    }

    /// Puts `column` at the right of the others.
    fn add_column(&mut self, column: TileId) {
        let Some(root) = self.tree.root else {
            self.tree.root = Some(column);
            return;
        };
        match self.tree.tiles.get_mut(root) {
            Some(Tile::Container(Container::Linear(row)))
                if row.dir == egui_tiles::LinearDir::Horizontal =>
            {
                row.add_child(column);
            }
            _ => {
                let row = self.tree.tiles.insert_horizontal_tile(vec![root, column]);
                self.tree.root = Some(row);
            }
        }
    }

    /// Gives each session of `workspace` a tab (a new one joins the focused session's group)
    /// and drops the tabs of sessions gone.
    pub fn sync(&mut self, workspace: &Workspace) {
        let stale: Vec<TileId> = self
            .tree
            .tiles
            .iter()
            .filter_map(|(tile, content)| match content {
                Tile::Pane(Pane::Session(id)) if workspace.tab(*id).is_none() => Some(*tile),
                _ => None,
            })
            .collect();
        for tile in stale {
            self.tree.remove_recursively(tile);
        }
        let shown = self.panes();
        for tab in workspace.tabs() {
            if !shown.contains(&tab.id) {
                self.add_pane(tab.id, workspace.focused());
            }
        }
        if self.tree.root.is_none() {
            *self = Self::new(workspace);
        }
    }

    fn add_pane(&mut self, id: TabId, beside: TabId) {
        let pane = self.tree.tiles.insert_pane(Pane::Session(id));
        let group = self
            .tree
            .tiles
            .find_pane(&Pane::Session(beside))
            .and_then(|tile| self.tree.tiles.parent_of(tile))
            .or(self.tree.root);
        match group.and_then(|group| self.tree.tiles.get_mut(group)) {
            Some(Tile::Container(Container::Tabs(tabs))) => {
                tabs.add_child(pane);
                tabs.set_active(pane);
            }
            Some(Tile::Container(container)) => container.add_child(pane),
            _ => {
                let group = self.tree.tiles.insert_tab_tile(vec![pane]);
                self.tree.root = Some(group);
            }
        }
    }

    /// Brings session `id` to the front of its group.
    pub fn show(&mut self, id: TabId) {
        self.tree
            .make_active(|_, tile| matches!(tile, Tile::Pane(Pane::Session(pane)) if *pane == id));
    }

    /// Moves session `id` out of its group into a new column on the right, beside the rest.
    pub fn side_by_side(&mut self, id: TabId) {
        let Some(pane) = self.tree.tiles.find_pane(&Pane::Session(id)) else {
            return;
        };
        let column = self.tree.tiles.insert_tab_tile(Vec::new());
        self.add_column(column);
        self.tree.move_tile_to_container(pane, column, 0, false);
    }

    /// The sessions the window shows now (the front tab of each group).
    pub fn visible(&self) -> Vec<TabId> {
        self.tree
            .active_tiles()
            .into_iter()
            .filter_map(|tile| match self.tree.tiles.get_pane(&tile) {
                Some(Pane::Session(id)) => Some(*id),
                _ => None,
            })
            .collect()
    }

    /// Whether the timeline is in sight (the front tab of its group).
    pub fn timeline_in_sight(&self) -> bool {
        self.tree
            .active_tiles()
            .into_iter()
            .any(|tile| matches!(self.tree.tiles.get_pane(&tile), Some(Pane::Timeline)))
    }

    /// Starts renaming session `id`, the field holding `name`.
    pub fn start_rename(&mut self, id: TabId, name: String) {
        self.renaming = Some((id, name));
    }

    /// Draws the sessions, and the rename dialog when one is under way.
    pub fn ui(&mut self, ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
        self.sync(workspace);
        let mut behavior = SessionTiles {
            workspace,
            commands,
            drawn: Vec::new(),
            several: self.panes().len() > 1,
            visible: self.visible().len(),
        };
        self.tree.ui(&mut behavior, ui);
        let SessionTiles {
            workspace,
            commands,
            drawn,
            ..
        } = behavior;
        for tab in workspace.tabs_mut() {
            tab.set_shown(drawn.contains(&tab.id));
        }
        // Focus stays on a session in sight: closing or moving tabs may have hidden it.
        if !drawn.contains(&workspace.focused())
            && let Some(first) = drawn.first()
        {
            workspace.focus(*first);
        }
        self.rename_ui(ui, workspace, commands);
    }

    fn rename_ui(&mut self, ui: &Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
        let Some((id, name)) = &mut self.renaming else {
            return;
        };
        let t = workspace.shared.texts();
        let mut done = None;
        egui::Modal::new(egui::Id::unique("rename_session")).show(ui.ctx(), |ui| {
            ui.label(RichText::new(t.rename_session).strong());
            let label = ui.label(t.session_name);
            let field = ui.text_edit_singleline(name).labelled_by(label.id);
            field.request_focus();
            let entered =
                field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.button(t.ok).clicked() || entered {
                    done = Some(true);
                }
                if ui.button(t.cancel).clicked()
                    || ui.input(|input| input.key_pressed(egui::Key::Escape))
                {
                    done = Some(false);
                }
            });
        });
        match done {
            Some(true) => {
                commands.push(Command::Workspace(WorkspaceAction::Rename(
                    *id,
                    name.clone(),
                )));
                self.renaming = None;
            }
            Some(false) => self.renaming = None,
            None => {}
        }
    }
}

/// Whether a tree read from a file can be drawn: every tile reached from the root exists and
/// is reached once (a hand-edited file could make a container its own child, which would
/// never end).
fn is_sound(tree: &Tree<Pane>) -> bool {
    let Some(root) = tree.root else {
        return true;
    };
    let mut seen = std::collections::HashSet::new();
    let mut waiting = vec![root];
    while let Some(tile) = waiting.pop() {
        if !seen.insert(tile) {
            return false;
        }
        match tree.tiles.get(tile) {
            Some(Tile::Pane(_)) => {}
            Some(Tile::Container(container)) => waiting.extend(container.children().copied()),
            None => return false,
        }
    }
    true
}

/// The panes in tab order, depth first.
fn collect_panes(tiles: &Tiles<Pane>, tile: TileId, panes: &mut Vec<Pane>) {
    match tiles.get(tile) {
        Some(Tile::Pane(id)) => panes.push(*id),
        Some(Tile::Container(container)) => {
            for child in container.children() {
                collect_panes(tiles, *child, panes);
            }
        }
        None => {}
    }
}

/// The colour that tells session `id` apart in tabs, the left column and the timeline.
pub fn session_colour(id: TabId) -> Color32 {
    const COLOURS: [Color32; 6] = [
        Color32::from_rgb(0x4c, 0x8b, 0xf5),
        Color32::from_rgb(0xe8, 0x8a, 0x2e),
        Color32::from_rgb(0x3d, 0xae, 0x5c),
        Color32::from_rgb(0xb0, 0x6a, 0xd9),
        Color32::from_rgb(0x2a, 0xa8, 0xb0),
        Color32::from_rgb(0xd9, 0x5b, 0x6a),
    ];
    let index = usize::try_from(id.0.saturating_sub(1)).unwrap_or(0) % COLOURS.len();
    COLOURS.get(index).copied().unwrap_or(Color32::GRAY)
}

/// The colour of the dot that says how a session stands.
pub fn health_colour(health: Health, ui: &Ui) -> Color32 {
    match health {
        Health::Closed => ui.visuals().weak_text_color(),
        Health::Waiting => super::palette::Palette::of(ui).busy,
        Health::Up => super::palette::Palette::of(ui).live,
        Health::Failed => ui.visuals().error_fg_color,
    }
}

/// A button showing two columns side by side, named `name` for screen readers and tests.
fn columns_button(ui: &mut Ui, name: &str) -> egui::Response {
    let height = ui.spacing().interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(height * 1.2, height), Sense::click());
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), name));
    if ui.is_rect_visible(rect) {
        let look = ui.style().interact(&response);
        ui.painter().rect(
            rect,
            look.corner_radius,
            look.weak_bg_fill,
            look.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let inner = rect.shrink(height * 0.25);
        let stroke = egui::Stroke::new(1.2, look.fg_stroke.color);
        let (left, right) = inner.split_left_right_at_fraction(0.5);
        for column in [left, right] {
            ui.painter()
                .rect_stroke(column.shrink(1.0), 1.0, stroke, egui::StrokeKind::Inside);
        }
    }
    response
}

/// How the tiles draw sessions and what they ask for.
struct SessionTiles<'a> {
    workspace: &'a mut Workspace,
    commands: &'a mut Vec<Command>,
    /// The sessions drawn this frame.
    drawn: Vec<TabId>,
    /// More than one session: tabs can close.
    several: bool,
    /// How many sessions are in sight: the focused one is outlined when more than one.
    visible: usize,
}

impl SessionTiles<'_> {
    fn workspace_command(&mut self, action: WorkspaceAction) {
        self.commands.push(Command::Workspace(action));
    }

    /// The timeline's tab: its name and a button that closes it.
    fn timeline_tab_ui(
        &mut self,
        ui: &mut Ui,
        egui_id: egui::Id,
        tab_state: &egui_tiles::TabState,
    ) -> egui::Response {
        let t = self.workspace.shared.texts();
        let mut job = egui::text::LayoutJob::default();
        job.append(
            t.timeline,
            0.0,
            egui::TextFormat::simple(
                egui::TextStyle::Button.resolve(ui.style()),
                tab_text_colour(ui, tab_state),
            ),
        );
        let look = TabLook {
            job,
            name: t.timeline,
            band: None,
            close: Some(t.close_timeline),
        };
        let (response, close) = tab_button(ui, egui_id, tab_state, look);
        if close {
            self.workspace_command(WorkspaceAction::CloseTimeline);
        }
        response
    }
}

/// What a tab shows: its text, its name for screen readers, a band of colour along its top,
/// and the name of its close button if it has one.
struct TabLook<'a> {
    job: egui::text::LayoutJob,
    name: &'a str,
    band: Option<Color32>,
    close: Option<&'a str>,
}

/// The colour of a tab's text: stronger for the tab in front.
fn tab_text_colour(ui: &Ui, tab_state: &egui_tiles::TabState) -> Color32 {
    if tab_state.active {
        ui.visuals().strong_text_color()
    } else {
        ui.visuals().text_color()
    }
}

/// Draws a tab as `look` says and senses clicks and drags on it (egui_tiles moves it when
/// dragged); its response, and whether its close button was clicked.
fn tab_button(
    ui: &mut Ui,
    egui_id: egui::Id,
    tab_state: &egui_tiles::TabState,
    look: TabLook<'_>,
) -> (egui::Response, bool) {
    let galley = ui.fonts_mut(|fonts| fonts.layout_job(look.job));
    let margin = 8.0;
    let close_size = if look.close.is_some() {
        galley.size().y
    } else {
        0.0
    };
    let width = galley.size().x + 2.0 * margin + close_size * 1.2;
    let (_, rect) = ui.allocate_space(egui::vec2(width, ui.available_height()));
    let response = ui.interact(rect, egui_id, Sense::click_and_drag());
    response
        .widget_info(|| WidgetInfo::selected(egui::Role::Tab, true, tab_state.active, look.name));
    if ui.is_rect_visible(rect) && !tab_state.is_being_dragged {
        let fill = if tab_state.active {
            ui.visuals().panel_fill
        } else {
            ui.visuals().extreme_bg_color
        };
        let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
        ui.painter().rect(
            rect.shrink(0.5),
            0.0,
            fill,
            stroke,
            egui::StrokeKind::Inside,
        );
        if let Some(band) = look.band {
            // The session's own colour along the top, as in the left column and the timeline.
            let top = egui::Rect::from_min_size(rect.min, egui::vec2(rect.width(), 3.0));
            ui.painter().rect_filled(top, 0.0, band);
        }
        let text_pos = egui::pos2(
            rect.left() + margin,
            rect.center().y - galley.size().y / 2.0,
        );
        ui.painter()
            .galley(text_pos, galley, tab_text_colour(ui, tab_state));
    }
    let closed = look
        .close
        .is_some_and(|name| close_button(ui, egui_id, rect, margin, close_size, name));
    (response, closed)
}

/// The × at the right of a tab, named `name`; whether it was clicked.
fn close_button(
    ui: &mut Ui,
    egui_id: egui::Id,
    tab: egui::Rect,
    margin: f32,
    size: f32,
    name: &str,
) -> bool {
    let rect = egui::Rect::from_center_size(
        egui::pos2(tab.right() - margin - size / 2.0, tab.center().y),
        egui::vec2(size, size),
    );
    let close = ui.interact(rect, egui_id.with("close"), Sense::click());
    close.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, name));
    let look = ui.style().interact(&close);
    let cross = rect.shrink(size * 0.28);
    let stroke = look.fg_stroke;
    ui.painter()
        .line_segment([cross.left_top(), cross.right_bottom()], stroke);
    ui.painter()
        .line_segment([cross.right_top(), cross.left_bottom()], stroke);
    close.on_hover_text(name).clicked()
}

impl Behavior<Pane> for SessionTiles<'_> {
    fn pane_ui(&mut self, ui: &mut Ui, _tile: TileId, pane: &mut Pane) -> UiResponse {
        let id = match *pane {
            Pane::Session(id) => id,
            Pane::Timeline => {
                // The margins a session's log has, so the two line up side by side.
                egui::Frame::central_panel(ui.style())
                    .fill(Color32::TRANSPARENT)
                    .show(ui, |ui| {
                        super::timeline::timeline_ui(ui, self.workspace, self.commands);
                    });
                return UiResponse::None;
            }
        };
        self.drawn.push(id);
        if ui.rect_contains_pointer(ui.max_rect())
            && ui.input(|input| input.pointer.any_pressed())
            && self.workspace.focused() != id
        {
            self.workspace_command(WorkspaceAction::Focus(id));
        }
        if self.visible > 1 && self.workspace.focused() == id {
            // Which of the sessions in sight the left column's settings belong to.
            ui.painter().rect_stroke(
                ui.max_rect(),
                0.0,
                egui::Stroke::new(2.0, session_colour(id)),
                egui::StrokeKind::Inside,
            );
        }
        let Some(tab) = self.workspace.tab(id) else {
            return UiResponse::None;
        };
        let mut actions = Vec::new();
        let shared = &self.workspace.shared;
        ui.push_id(id, |ui| {
            super::session_ui(ui, &tab.state, shared, &mut actions);
        });
        self.commands.extend(
            actions
                .into_iter()
                .map(|action| Command::Session(id, action)),
        );
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        match pane {
            Pane::Session(id) => self
                .workspace
                .tab(*id)
                .map_or_else(String::new, crate::workspace::Tab::title)
                .into(),
            Pane::Timeline => self.workspace.shared.texts().timeline.into(),
        }
    }

    fn tab_ui(
        &mut self,
        tiles: &mut Tiles<Pane>,
        ui: &mut Ui,
        egui_id: egui::Id,
        tile: TileId,
        tab_state: &egui_tiles::TabState,
    ) -> egui::Response {
        let id = match tiles.get_pane(&tile).copied() {
            Some(Pane::Session(id)) => id,
            Some(Pane::Timeline) => return self.timeline_tab_ui(ui, egui_id, tab_state),
            None => return ui.label(""),
        };
        let Some(tab) = self.workspace.tab(id) else {
            return ui.label("");
        };
        let t = tab.state.texts();
        let heading = tab.title();
        let summary = tab.summary();
        let unseen = tab.unseen();
        let dot_colour = health_colour(tab.health(), ui);
        let font = egui::TextStyle::Button.resolve(ui.style());
        let mut job = egui::text::LayoutJob::default();
        let text_colour = tab_text_colour(ui, tab_state);
        let format = |colour| egui::TextFormat::simple(font.clone(), colour);
        job.append("● ", 0.0, format(dot_colour));
        job.append(&heading, 0.0, format(text_colour));
        if unseen > 0 {
            job.append(
                &format!("  +{unseen}"),
                0.0,
                format(ui.visuals().warn_fg_color),
            );
        }
        let name = if unseen > 0 {
            format!("{heading} (+{unseen})")
        } else {
            heading.clone()
        };
        let close_name = format!("{} {heading}", t.close_tab);
        let look = TabLook {
            job,
            name: &name,
            band: Some(session_colour(id)),
            close: self.several.then_some(close_name.as_str()),
        };
        let (response, close) = tab_button(ui, egui_id, tab_state, look);
        if close {
            self.workspace_command(WorkspaceAction::Close(id));
        }
        if response.clicked() {
            self.workspace_command(WorkspaceAction::Focus(id));
        }
        if response.double_clicked() {
            self.workspace_command(WorkspaceAction::StartRename(id));
        }
        let beside = tiles
            .parent_of(tile)
            .and_then(|group| tiles.get_container(group))
            .is_some_and(|group| group.num_children() > 1);
        response
            .context_menu(|ui| {
                if ui.button(t.rename_session).clicked() {
                    self.workspace_command(WorkspaceAction::StartRename(id));
                }
                if ui.button(t.duplicate_session).clicked() {
                    self.workspace_command(WorkspaceAction::Duplicate(id));
                }
                if ui
                    .add_enabled(beside, egui::Button::new(t.side_by_side))
                    .clicked()
                {
                    self.workspace_command(WorkspaceAction::SideBySide(id));
                }
                if ui
                    .add_enabled(self.several, egui::Button::new(t.close_tab))
                    .clicked()
                {
                    self.workspace_command(WorkspaceAction::Close(id));
                }
            })
            .map_or(response.clone(), |_| response.clone())
            .on_hover_text(format!("{summary}\n\n{}", t.tab_help))
    }

    fn tab_bar_trailing_ui(
        &mut self,
        tiles: &Tiles<Pane>,
        ui: &mut Ui,
        _tile: TileId,
        tabs: &egui_tiles::Tabs,
    ) {
        let t = self.workspace.shared.texts();
        let front = tabs
            .active
            .and_then(|front| tiles.get_pane(&front))
            .copied();
        if front == Some(Pane::Timeline) {
            return;
        }
        ui.add_space(4.0);
        let add = ui.button("+");
        add.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, t.new_session));
        if add.on_hover_text(t.new_session).clicked() {
            // The new session joins this group: focus goes to its front tab first.
            if let Some(Pane::Session(front)) = front {
                self.workspace_command(WorkspaceAction::Focus(front));
            }
            self.workspace_command(WorkspaceAction::Add);
        }
        if let Some(Pane::Session(front)) = front
            && tabs.children.len() > 1
            && columns_button(ui, t.side_by_side)
                .on_hover_text(t.side_by_side_help)
                .clicked()
        {
            self.workspace_command(WorkspaceAction::SideBySide(front));
        }
    }

    fn tab_bar_height(&self, style: &egui::Style) -> f32 {
        style
            .text_styles
            .get(&egui::TextStyle::Button)
            .map_or(24.0, |font| font.size * 1.9)
    }

    fn gap_width(&self, _style: &egui::Style) -> f32 {
        4.0
    }

    fn simplification_options(&self) -> SimplificationOptions {
        // Every session keeps its tab, even alone in its column: the tab is where its name,
        // state and menu are.
        SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..SimplificationOptions::default()
        }
    }

    fn is_tab_closable(&self, _tiles: &Tiles<Pane>, _tile: TileId) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn a_layout_that_cannot_be_drawn_gives_one_group_of_tabs() {
        let mut workspace = Workspace::new(Language::English);
        workspace.add_fresh();
        // A container that holds itself, and one that holds a tile that is not there.
        for damaged in [
            "(id:(1),root:Some((1)),tiles:(next_tile_id:2,tiles:{(1):Container(Tabs((children:[(1)],active:None)))},invisible:[]),height:None,width:None)",
            "(id:(1),root:Some((1)),tiles:(next_tile_id:2,tiles:{(1):Container(Tabs((children:[(7)],active:None)))},invisible:[]),height:None,width:None)",
            "not a layout",
        ] {
            let layout = Layout::from_text(damaged, &workspace);
            assert_eq!(layout.panes().len(), 2, "{damaged}");
        }
        // A sound one is kept.
        let mut layout = Layout::new(&workspace);
        let second = workspace.tabs()[1].id;
        layout.side_by_side(second);
        let again = Layout::from_text(&layout.to_text(), &workspace);
        assert_eq!(again.panes(), layout.panes());
    }
}
