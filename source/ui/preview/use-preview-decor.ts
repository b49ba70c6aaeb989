import {useStdout} from 'ink';
import {type RefObject, useEffect, useMemo, useState} from 'react';
import type {ChatEntry, ChatSessionApi, SessionSnapshot} from '../../session/types.js';
import type {EntryDecor} from '../messages/format-entry.js';
import {useTerminalFeatures} from '../terminal/features-context.js';
import {kittyCell} from './kitty-graphics.js';
import {KittyImages} from './kitty-images.js';
import {attachPixelImages, detachPixelImages, PixelImages, unknownSixelCell} from './pixel-images.js';
import {Previews} from './previews.js';

/** What an entry shows of an image: its thumbnail and its placement, or why it has none. */
export type PreviewDecor = (entry: ChatEntry) => Pick<EntryDecor, 'image' | 'kitty' | 'pixels' | 'noPreview'> | undefined;

/**
 * The messages pane's image previews, as the terminal can show them: half blocks, kitty's
 * placeholders (each image sent once, straight to the terminal between Ink's frames, deleted when
 * its entry leaves the scrollback and at exit), or iTerm2's images and sixel (each encoded once and
 * drawn into every frame that shows its cells, by run-tui's stream). `preview` is undefined where
 * previews are off; `ready` counts the previews made so far (a redraw's cause). `current` is the
 * snapshot of this render (offers are looked up in it).
 */
export function usePreviewDecor(session: ChatSessionApi, current: RefObject<SessionSnapshot>): {readonly preview: PreviewDecor | undefined; readonly ready: number} {
	const {previews: colours, graphics, tmux, cell} = useTerminalFeatures();
	const {stdout} = useStdout();
	const kitty = useMemo(() => (colours !== undefined && graphics === 'kitty' ? new KittyImages(bytes => stdout.write(bytes), tmux) : undefined), [colours, graphics, tmux, stdout]);
	useEffect(() => () => kitty?.dispose(), [kitty]);
	const pixelProtocol = colours !== undefined && (graphics === 'iterm2' || graphics === 'sixel') ? graphics : undefined;
	// iTerm2 fits a picture to the cells it is given; sixel draws it at its own pixels, so the cells
	// kept for it follow the terminal's cell, or the smallest common one when the terminal did not say.
	const pixelCell = pixelProtocol === 'sixel' ? (cell ?? unknownSixelCell) : kittyCell;
	const pixels = useMemo(() => {
		if (pixelProtocol === undefined) return undefined;
		const images = new PixelImages(pixelProtocol, pixelCell);
		// Given to run-tui's stream before any frame can show one of its images.
		attachPixelImages(stdout, images);
		return images;
	}, [pixelProtocol, pixelCell, stdout]);
	useEffect(
		() => () => {
			if (pixels) detachPixelImages(stdout, pixels);
		},
		[pixels, stdout],
	);
	// An image whose entry left the scrollback is given up (deleted in the terminal, for kitty).
	const oldestEntry = current.current.entries[0]?.id;
	useEffect(() => {
		kitty?.forgetBefore(oldestEntry);
		pixels?.forgetBefore(oldestEntry);
	}, [kitty, pixels, oldestEntry]);
	// Each preview decoded, or given up, is a new drawing of the entries (rare).
	const [ready, setReady] = useState(0);
	const previews = useMemo(
		() =>
			colours === undefined
				? undefined
				: new Previews(
						() => setReady(count => count + 1),
						undefined,
						{
							offer: id => current.current.offers.find(offer => offer.id === id),
							peek: async id => session.peek(id),
						},
						kitty ? kittyCell : pixels ? pixelCell : undefined,
					),
		[colours, session, kitty, pixels, pixelCell, current],
	);
	const preview = useMemo<PreviewDecor | undefined>(
		() =>
			previews &&
			(entry => {
				const image = previews.of(entry);
				if (image === undefined) {
					const noPreview = previews.reasonOf(entry);
					return noPreview === undefined ? undefined : {noPreview};
				}

				const placement = kitty?.placementOf(entry.id, image);
				if (placement) return {image, kitty: placement};
				const reserved = pixels?.placementOf(entry.id, image);
				return reserved ? {image, pixels: reserved} : {image};
			}),
		[previews, kitty, pixels],
	);
	return {preview, ready};
}
