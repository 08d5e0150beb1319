//! What Typst may see while it lays out a pack: the templates compiled into the binary,
//! the document's data as `page.json`, and the two DejaVu fonts of `assets/fonts/`.
//! Nothing else: no file on disk, no system font, no package from the network, and no
//! clock (`today` is none, so a template cannot print the date it ran).

use anyhow::anyhow;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The templates, by name; a template imports another by its name.
const TEMPLATES: [(&str, &str); 4] = [
    ("common.typ", include_str!("../../../templates/common.typ")),
    ("pack.typ", include_str!("../../../templates/pack.typ")),
    (
        "evidence.typ",
        include_str!("../../../templates/evidence.typ"),
    ),
    ("todo.typ", include_str!("../../../templates/todo.typ")),
];

/// The fonts, the same files the charts are drawn with.
const FONTS: [&[u8]; 2] = [
    include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
];

/// The name of the virtual file holding a document's data.
const DATA: &str = "page.json";

fn file_id(name: &str) -> anyhow::Result<FileId> {
    let path = VirtualPath::new(name).map_err(|e| anyhow!("{name}: {e}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// Typst's standard library, the fonts and the parsed templates: made once per report
/// and shared by every document (and thread) that report writes.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    templates: Vec<Source>,
    data: FileId,
}

impl Typesetter {
    pub fn new() -> anyhow::Result<Typesetter> {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|bytes| Font::iter(Bytes::new(*bytes)))
            .collect();
        if fonts.len() != FONTS.len() {
            return Err(anyhow!("assets/fonts: a DejaVu font could not be read"));
        }
        let templates = TEMPLATES
            .iter()
            .map(|(name, text)| Ok(Source::new(file_id(name)?, text.to_string())))
            .collect::<anyhow::Result<Vec<Source>>>()?;
        Ok(Typesetter {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            templates,
            data: file_id(DATA)?,
        })
    }

    /// The world of one document: `main` laid out with `data` as `page.json`.
    pub(super) fn world(&self, main: &str, data: Vec<u8>) -> anyhow::Result<Document<'_>> {
        let main = file_id(main)?;
        if !self.templates.iter().any(|s| s.id() == main) {
            return Err(anyhow!("no template {main:?}"));
        }
        Ok(Document {
            typesetter: self,
            main,
            data: Bytes::new(data),
        })
    }

    fn template(&self, id: FileId) -> Option<&Source> {
        self.templates.iter().find(|s| s.id() == id)
    }
}

/// One document being laid out.
pub(super) struct Document<'a> {
    typesetter: &'a Typesetter,
    main: FileId,
    data: Bytes,
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

impl World for Document<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.typesetter.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.typesetter.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.typesetter
            .template(id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.typesetter.data {
            return Ok(self.data.clone());
        }
        self.typesetter
            .template(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.typesetter.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
