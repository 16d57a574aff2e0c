//! The keys a table accepts and the kinds an enum has, read from the serde derives (the
//! one place they are written) without any input: for messages ("did you mean", "X
//! sources take: …") and for routing a `[[source]]`'s keys to its kind.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, VariantAccess, Visitor,
};

/// What the probe found: a struct's fields or an enum's variants.
#[derive(Debug)]
struct Found(&'static [&'static str]);

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Found {}

impl de::Error for Found {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Found(&[])
    }
}

/// A deserializer with no data: asked for a struct it answers with the struct's fields;
/// asked for an enum, with its variants, or (with `variant`) it enters that variant.
struct Probe {
    variant: Option<usize>,
}

impl<'de> Deserializer<'de> for Probe {
    type Error = Found;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
        Err(Found(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Found> {
        Err(Found(fields))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Found> {
        match self.variant.map(|i| variants.get(i)) {
            None => Err(Found(variants)),
            Some(Some(name)) => visitor.visit_enum(Variant(name)),
            Some(None) => Err(Found(&[])),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map identifier
        ignored_any
    }
}

struct Variant(&'static str);

impl<'de> EnumAccess<'de> for Variant {
    type Error = Found;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Found> {
        let v = seed.deserialize(self.0.into_deserializer())?;
        Ok((v, self))
    }
}

impl<'de> VariantAccess<'de> for Variant {
    type Error = Found;

    fn unit_variant(self) -> Result<(), Found> {
        Err(Found(&[]))
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Found> {
        seed.deserialize(Probe { variant: None })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Found> {
        Err(Found(&[]))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Found> {
        Err(Found(fields))
    }
}

fn probe<'de, T: de::Deserialize<'de>>(variant: Option<usize>) -> &'static [&'static str] {
    match T::deserialize(Probe { variant }) {
        Err(Found(names)) => names,
        Ok(_) => &[],
    }
}

/// The keys of struct `T` (its serde names).
pub fn fields<'de, T: de::Deserialize<'de>>() -> &'static [&'static str] {
    probe::<T>(None)
}

/// The variants of enum `T` (its serde names).
pub fn variants<'de, T: de::Deserialize<'de>>() -> &'static [&'static str] {
    probe::<T>(None)
}

/// The keys of the struct inside variant `i` of enum `T` (`T::V(Struct)`).
pub fn variant_fields<'de, T: de::Deserialize<'de>>(i: usize) -> &'static [&'static str] {
    probe::<T>(Some(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct A {
        x: Option<u32>,
        #[serde(rename = "why")]
        y: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum E {
        First(A),
        Second(A),
    }

    #[test]
    fn reads_fields_and_variants_from_the_derive() {
        assert_eq!(fields::<A>(), ["x", "why"]);
        assert_eq!(variants::<E>(), ["first", "second"]);
        assert_eq!(variant_fields::<E>(1), ["x", "why"]);
        assert!(variant_fields::<E>(2).is_empty());
    }
}
