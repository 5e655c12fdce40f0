"""The termbase: concepts with preferred, admitted and forbidden forms per language,
matched in any inflected form (`match`), kept in the database (`store`) and exchanged
as TBX (`tbx`) or glossary CSV (`csvio`)."""
