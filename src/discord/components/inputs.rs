//! What a submitted modal holds.

use poise::serenity_prelude as serenity;

/// The value of the modal's text input `id`, if it was filled in.
pub fn modal_value(interaction: &serenity::ModalInteraction, id: &str) -> Option<String> {
    interaction
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|component| match component {
            serenity::ActionRowComponent::InputText(input) if input.custom_id == id => {
                input.value.clone()
            }
            _ => None,
        })
}
