//! JSON Schemas (draft 2020-12) of a unit file's front matter and of
//! `okrc.toml`, for editors (Taplo / Even Better TOML, Tombi) and other
//! tools.
//!
//! They are generated from the [`TableSpec`]s in `parse::specs`, the very
//! tables the parser checks every key against, so the schema and the checker
//! cannot disagree about which keys exist, what they hold or what they mean.
//!
//! The keywords used are the ones every draft since 4 reads the same way
//! (`$ref` to a JSON pointer, `anyOf`, `enum`, `minimum`, `not`), so that
//! editors whose validator predates 2020-12 understand them too. Taplo
//! ignores keywords next to a `$ref`, so a described reference is wrapped in
//! `allOf`.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use crate::diagnostic::Code;
use crate::parse::fields::{Shape, TableSpec};
use crate::parse::specs::{self, CONFIDENCE_LEVELS, LINT_LEVELS};

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// The TOML front matter of a unit file.
    FrontMatter,
    /// The workspace settings, `okrc.toml`.
    Config,
}

/// The schema as pretty-printed JSON with a final newline.
pub fn schema_json(kind: SchemaKind) -> String {
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema as a JSON object whose keys keep the order they are written
/// in, so the output reads top-down like the specs.
pub fn schema(kind: SchemaKind) -> Node {
    let (root, title) = match kind {
        SchemaKind::FrontMatter => (&specs::UNIT, "okrc unit file front matter"),
        SchemaKind::Config => (&specs::CONFIG, "okrc.toml"),
    };
    let mut definitions = Vec::new();
    let mut object = Object::default();
    object.push(
        "$schema",
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    object.push("title", json!(title));
    object.push("description", json!(root.doc));
    let body = table(root, &mut definitions);
    object.0.extend(body.0);
    let mut defs = Object::default();
    let mut i = 0;
    while i < definitions.len() {
        let spec: &'static TableSpec = definitions[i];
        let mut def = Object::default();
        def.push("title", json!(spec.name));
        def.push("description", json!(spec.doc));
        def.0.extend(table(spec, &mut definitions).0);
        defs.push(definition_name(spec), Node::Object(def));
        i += 1;
    }
    if !defs.0.is_empty() {
        object.push("$defs", Node::Object(defs));
    }
    Node::Object(object)
}

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone)]
pub enum Node {
    Value(Value),
    Object(Object),
    Array(Vec<Node>),
}

#[derive(Debug, Clone, Default)]
pub struct Object(Vec<(String, Node)>);

impl Object {
    fn push(&mut self, key: impl Into<String>, value: impl Into<Node>) {
        self.0.push((key.into(), value.into()));
    }
}

impl From<Value> for Node {
    fn from(value: Value) -> Node {
        Node::Value(value)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Value(value) => value.serialize(serializer),
            Node::Array(items) => items.serialize(serializer),
            Node::Object(object) => {
                let mut map = serializer.serialize_map(Some(object.0.len()))?;
                for (key, value) in &object.0 {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// The name of a table's entry under `$defs`: `key_result`, `check_in`.
fn definition_name(spec: &TableSpec) -> String {
    spec.name
        .trim_end_matches(" table")
        .replace([' ', '-'], "_")
}

fn reference(spec: &'static TableSpec, definitions: &mut Vec<&'static TableSpec>) -> Node {
    if !definitions.iter().any(|d| std::ptr::eq(*d, spec)) {
        definitions.push(spec);
    }
    let mut object = Object::default();
    object.push("$ref", json!(format!("#/$defs/{}", definition_name(spec))));
    Node::Object(object)
}

/// `type`, `properties` and `additionalProperties: false` of a table.
fn table(spec: &'static TableSpec, definitions: &mut Vec<&'static TableSpec>) -> Object {
    let mut properties = Object::default();
    for field in spec.fields {
        let shape = shape(field.shape, definitions);
        let mut property = Object::default();
        property.push("description", json!(field.doc));
        match shape {
            Node::Object(object) if object.0.iter().any(|(key, _)| key == "$ref") => {
                property.push("allOf", Node::Array(vec![Node::Object(object)]));
            }
            Node::Object(object) => property.0.extend(object.0),
            other => property.push("allOf", Node::Array(vec![other])),
        }
        properties.push(field.name, Node::Object(property));
    }
    let mut object = Object::default();
    object.push("type", json!("object"));
    object.push("properties", Node::Object(properties));
    object.push("additionalProperties", json!(false));
    object
}

fn shape(shape: Shape, definitions: &mut Vec<&'static TableSpec>) -> Node {
    let date = || {
        json!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        })
    };
    let value = match shape {
        Shape::String => json!({ "type": "string" }),
        Shape::Markdown => json!({ "type": "string", "contentMediaType": "text/markdown" }),
        Shape::Bool => json!({ "type": "boolean" }),
        Shape::Integer { min } => json!({ "type": "integer", "minimum": min }),
        // `exclusiveMinimum` changed meaning between drafts; `not` did not.
        Shape::Positive => json!({ "type": "number", "not": { "maximum": 0 } }),
        Shape::Number => json!({ "type": "number" }),
        Shape::Fraction => json!({ "type": "number", "minimum": 0, "maximum": 1 }),
        Shape::Date => date(),
        Shape::Enum(values) => json!({ "type": "string", "enum": values }),
        Shape::StringOrStrings => json!({
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } },
            ]
        }),
        Shape::Links => json!({
            "anyOf": [
                { "type": "string", "format": "uri", "pattern": "^[hH][tT][tT][pP][sS]?://" },
                { "type": "array", "items": { "type": "string", "format": "uri", "pattern": "^[hH][tT][tT][pP][sS]?://" } },
            ]
        }),
        Shape::Confidence => json!({
            "anyOf": [
                { "type": "number", "minimum": 0, "maximum": 1 },
                { "type": "string", "enum": CONFIDENCE_LEVELS },
            ]
        }),
        Shape::LintLevels => {
            let mut properties = serde_json::Map::new();
            for code in Code::LINTS {
                properties.insert(
                    code.as_str().to_string(),
                    json!({ "description": code.summary(), "type": "string", "enum": LINT_LEVELS }),
                );
            }
            json!({
                "type": "object",
                "properties": properties,
                "additionalProperties": false,
            })
        }
        Shape::Table(spec) => return reference(spec, definitions),
        Shape::ArrayOfTables(spec) => {
            let mut object = Object::default();
            object.push("type", json!("array"));
            object.push("items", reference(spec, definitions));
            return Node::Object(object);
        }
        Shape::StringsOrTables(spec) => {
            let mut items = Object::default();
            items.push(
                "anyOf",
                Node::Array(vec![
                    json!({ "type": "string" }).into(),
                    reference(spec, definitions),
                ]),
            );
            let mut object = Object::default();
            object.push("type", json!("array"));
            object.push("items", Node::Object(items));
            return Node::Object(object);
        }
        Shape::MapOfTables(spec) => {
            let mut object = Object::default();
            object.push("type", json!("object"));
            object.push("additionalProperties", reference(spec, definitions));
            return Node::Object(object);
        }
    };
    match value {
        Value::Object(map) => {
            let mut object = Object::default();
            for (key, value) in map {
                object.push(key, value);
            }
            Node::Object(object)
        }
        other => Node::Value(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(kind: SchemaKind) -> Value {
        serde_json::from_str(&schema_json(kind)).unwrap()
    }

    #[test]
    fn every_key_the_parser_knows_is_in_the_schema_with_its_doc() {
        let schema = parsed(SchemaKind::FrontMatter);
        for field in specs::UNIT.fields {
            assert_eq!(schema["properties"][field.name]["description"], field.doc);
        }
        for (def, spec) in [
            ("objective", &specs::OBJECTIVE),
            ("key_result", &specs::KEY_RESULT),
            ("check_in", &specs::CHECKIN),
            ("reflection", &specs::REFLECTION),
        ] {
            let properties = &schema["$defs"][def]["properties"];
            assert_eq!(properties.as_object().unwrap().len(), spec.fields.len());
            for field in spec.fields {
                assert_eq!(properties[field.name]["description"], field.doc, "{def}");
            }
            assert_eq!(schema["$defs"][def]["additionalProperties"], false);
        }
        let config = parsed(SchemaKind::Config);
        for field in specs::CONFIG.fields {
            assert_eq!(config["properties"][field.name]["description"], field.doc);
        }
        assert_eq!(
            config["$defs"]["rules"]["properties"]["levels"]["properties"]
                .as_object()
                .unwrap()
                .len(),
            Code::LINTS.len()
        );
    }

    #[test]
    fn keys_keep_the_order_of_the_specs() {
        let text = schema_json(SchemaKind::FrontMatter);
        let at = |needle: &str| text.find(needle).unwrap();
        assert!(at("\"$schema\"") < at("\"properties\""));
        assert!(at("\"id\":") < at("\"name\":"));
        assert!(at("\"name\":") < at("\"parent\":"));
        assert!(at("\"objectives\":") < at("\"reflection\":"));
    }
}
